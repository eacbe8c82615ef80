// futex-handoff: two threads hand a token back and forth through futexes, as a lock or an event is handed
// over between a Wine/Proton game's threads: the holder passes the token with a FUTEX_WAKE of the other, which
// sleeps in FUTEX_WAIT. The loop, the latency and the output line: handoff.h.
#define HANDOFF_NAME "futex-handoff"
#include "handoff.h"
#include <linux/futex.h>

static _Atomic uint32_t turn;          /* whose turn: 0 or 1 (thread 0 starts) */

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, addr, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static int handoff_setup(void)
{
	return 0;
}

static void handoff_start(void)
{
}

static void handoff_wait(uint32_t me)
{
	while (atomic_load(&turn) != me && !atomic_load(&done)) {
		atomic_store(&sleeping[me], 1);
		if (futex(&turn, FUTEX_WAIT, 1 - me) < 0 && errno != EAGAIN && errno != EINTR) {
			perror("futex wait");
			exit(1);
		}
		atomic_store(&sleeping[me], 0);
	}
}

static void handoff_pass(uint32_t to, bool last)
{
	atomic_store(&turn, to);
	if (!last)
		handoff_note_sleeper(to);
	futex(&turn, FUTEX_WAKE, 1);
}
