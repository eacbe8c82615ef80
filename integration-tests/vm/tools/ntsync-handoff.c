// ntsync-handoff: two threads hand a token back and forth through ntsync semaphores (/dev/ntsync, module
// ntsync), as Wine/Proton hands an NT semaphore, mutex or event between a game's threads on a kernel with
// ntsync. Each thread waits on its own semaphore (NTSYNC_IOC_WAIT_ANY, initial count 0); the holder releases
// the other's semaphore (NTSYNC_IOC_SEM_RELEASE, which wakes the other inside the ioctl). The loop, the
// latency and the output line: handoff.h. Exits 3 without /dev/ntsync.
#define HANDOFF_NAME "ntsync-handoff"
#include "handoff.h"
#include <fcntl.h>
#include <sys/ioctl.h>

/*
 * The ntsync uapi as of Linux 6.14 (include/uapi/linux/ntsync.h of the 7.3 guest kernel): the toolchain's
 * linux-libc-dev (6.12) still has the earlier draft, whose NTSYNC_IOC_CREATE_SEM differs.
 */
struct ntsync_sem_args {
	uint32_t count;
	uint32_t max;
};

struct ntsync_wait_args {
	uint64_t timeout;
	uint64_t objs;
	uint32_t count;
	uint32_t index;
	uint32_t flags;
	uint32_t owner;
	uint32_t alert;
	uint32_t pad;
};

#define NTSYNC_IOC_CREATE_SEM _IOW('N', 0x80, struct ntsync_sem_args)
#define NTSYNC_IOC_WAIT_ANY _IOWR('N', 0x82, struct ntsync_wait_args)
#define NTSYNC_IOC_SEM_RELEASE _IOWR('N', 0x81, uint32_t)

static int dev, sems[2];               /* /dev/ntsync; sems[i]: thread i's turn */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int handoff_setup(void)
{
	/* Max 2: the last hand-off and the release that lets the other side out at the end may both be pending. */
	struct ntsync_sem_args sem = { .count = 0, .max = 2 };

	dev = open("/dev/ntsync", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		fprintf(stderr, "ntsync-handoff: /dev/ntsync: %s (modprobe ntsync)\n", strerror(errno));
		return 3;
	}
	for (int i = 0; i < 2; i++) {
		sems[i] = ioctl(dev, NTSYNC_IOC_CREATE_SEM, &sem);
		if (sems[i] < 0)
			die("NTSYNC_IOC_CREATE_SEM");
	}
	return 0;
}

/* Hands the token to thread `to`: one count on its semaphore. */
static void release(uint32_t to)
{
	uint32_t count = 1;

	if (ioctl(sems[to], NTSYNC_IOC_SEM_RELEASE, &count) < 0)
		die("NTSYNC_IOC_SEM_RELEASE");
}

static void handoff_start(void)
{
	release(0);
}

/* Waits, without a timeout, until this thread's semaphore has a count and takes it. */
static void handoff_wait(uint32_t me)
{
	struct ntsync_wait_args wait = {
		.timeout = UINT64_MAX, .objs = (uintptr_t)&sems[me], .count = 1, .owner = (uint32_t)tids[me],
	};

	atomic_store(&sleeping[me], 1);
	while (ioctl(dev, NTSYNC_IOC_WAIT_ANY, &wait) < 0)
		if (errno != EINTR)
			die("NTSYNC_IOC_WAIT_ANY");
	atomic_store(&sleeping[me], 0);
}

static void handoff_pass(uint32_t to, bool last)
{
	if (!last)
		handoff_note_sleeper(to);
	release(to);
}
