/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest programs' shared device helpers (bench/vm): sysfs reads, the uinput mouse that stands in for
 * hardware, and its evdev node found by name (udev may be absent in the guest).
 */
#ifndef SCXG_BENCH_VMDEV_H
#define SCXG_BENCH_VMDEV_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/input.h>
#include <linux/uinput.h>

/* The first line of a small file (sysfs), without its newline; "" when it cannot be read. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/* A USB mouse (046d:c077) called name, with a left button and relative X/Y; its uinput fd or -1. */
static int uinput_mouse(const char *name)
{
	struct uinput_setup setup = { .id = { .bustype = BUS_USB, .vendor = 0x046d, .product = 0xc077 } };
	int fd = open("/dev/uinput", O_WRONLY);

	if (fd < 0)
		return -1;
	ioctl(fd, UI_SET_EVBIT, EV_KEY);
	ioctl(fd, UI_SET_KEYBIT, BTN_LEFT);
	ioctl(fd, UI_SET_EVBIT, EV_REL);
	ioctl(fd, UI_SET_RELBIT, REL_X);
	ioctl(fd, UI_SET_RELBIT, REL_Y);
	snprintf(setup.name, sizeof(setup.name), "%s", name);
	if (ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The evdev node of the device called name, opened with event times on CLOCK_MONOTONIC; -1 after 5 s. */
static int open_evdev(const char *name)
{
	char path[512], found[256];
	int clk = CLOCK_MONOTONIC;

	for (int tries = 0; tries < 250; tries++) {
		DIR *dir = opendir("/sys/class/input");
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			int fd;

			if (strncmp(de->d_name, "event", 5))
				continue;
			snprintf(path, sizeof(path), "/sys/class/input/%s/device/name", de->d_name);
			read_line(path, found, sizeof(found));
			if (strcmp(found, name))
				continue;
			snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
			closedir(dir);
			fd = open(path, O_RDONLY);
			if (fd >= 0 && ioctl(fd, EVIOCSCLOCKID, &clk)) {
				close(fd);
				return -1;
			}
			return fd;
		}
		if (dir)
			closedir(dir);
		usleep(20000);
	}
	return -1;
}

#endif
