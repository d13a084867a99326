/* threads.c - a small persistent thread pool (the only POSIX-specific file).
 *
 * The calling thread takes tasks too, so a job of n tasks uses n-1 workers.
 * Idle workers spin briefly, then sleep on a condition variable. Tasks are
 * claimed with an atomic compare-and-swap: which thread runs a task never
 * changes what the task computes. After fork() the child has no worker
 * threads: a pthread_atfork handler marks the pool empty, and it restarts on
 * first use (safe for multiprocessing). Without pthreads (e.g. MSVC) every
 * job runs on the calling thread.
 */
#include <stdlib.h>
#include "nnlite.h"
#include "gemm_internal.h"

/* Jobs below this many multiply-adds run on one thread: waking a worker costs
 * a few microseconds, which a small GEMM would not win back. */
#define NL_PARALLEL_MIN_WORK 1.5e6

#if defined(_WIN32) && !defined(__MINGW32__)
#define NL_NO_PTHREADS 1
#endif

static int default_threads(void);

static int num_threads = 0;   /* 0: not yet resolved */

static int resolve_threads(void)
{
    if (num_threads <= 0) {
        const char *env = getenv("NNLITE_NUM_THREADS");
        int n = env ? atoi(env) : 0;
        num_threads = n >= 1 ? n : default_threads();
        if (num_threads > NL_MAX_TASKS)
            num_threads = NL_MAX_TASKS;
    }
    return num_threads;
}

int nl_get_num_threads(void)
{
    return resolve_threads();
}

int nl_set_num_threads(int n)
{
    if (n < 1)
        return NL_EINVAL;
    num_threads = n > NL_MAX_TASKS ? NL_MAX_TASKS : n;
    return NL_OK;
}

int nl_threads_for(double work)
{
    return work < NL_PARALLEL_MIN_WORK ? 1 : resolve_threads();
}

/* ---- memory reuse ----------------------------------------------------------
 * glibc serves blocks above its mmap threshold (dynamic, up to 32 MB) with
 * fresh mmap()s and returns the top of its heap to the system past the trim
 * threshold, so a training step that frees and re-allocates the same
 * multi-megabyte activations every step takes a page fault (and the kernel
 * zeroes a page) for every 4 KB it writes. Fixing both thresholds keeps the
 * freed blocks in the heap for the next step. Elsewhere a no-op. The
 * thresholds are a hint: an allocator that refuses them (a sanitizer's
 * replaces glibc's) leaves memory use as it was, so that is not an error. */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int nl_keep_freed_memory(int64_t bytes)
{
    if (bytes < 0)
        return NL_EINVAL;
#if defined(__GLIBC__)
    const int64_t mmap_max = (int64_t)32 << 20;   /* glibc's largest mmap threshold */
    if (bytes > INT32_MAX)
        bytes = INT32_MAX;
    (void)mallopt(M_MMAP_THRESHOLD, (int)(bytes < mmap_max ? bytes : mmap_max));
    (void)mallopt(M_TRIM_THRESHOLD, (int)bytes);
#endif
    return NL_OK;
}

#if defined(NL_NO_PTHREADS)

static int default_threads(void)
{
    return 1;
}

void nl_parallel_for(int ntasks, void (*fn)(void *arg, int task), void *arg)
{
    for (int t = 0; t < ntasks; t++)
        fn(arg, t);
}

#else

#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif

static int default_threads(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);   /* the cores this process may use */
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

/* The job in progress is one 64-bit word, so that claiming a task is one
 * compare-and-swap that also proves the job is still the same:
 *   bits 63..16 generation, 15..8 number of tasks, 7..0 next task. */
#define JOB(gen, ntasks, next) (((uint64_t)(gen) << 16) | ((uint64_t)(ntasks) << 8) | (next))
#define JOB_NTASKS(s) ((int)(((s) >> 8) & 0xff))
#define JOB_NEXT(s) ((int)((s) & 0xff))

/* Idle workers spin this many rounds before they sleep: a training loop calls
 * GEMM every few hundred microseconds, and waking a sleeping thread costs
 * tens of microseconds (more in a VM). */
#define SPIN_ROUNDS 20000

static struct {
    uint64_t state;             /* atomic: the job word above */
    int pending;                /* atomic: tasks of the job not finished */
    void (*fn)(void *, int);    /* written before the job word is published */
    void *arg;
    pthread_mutex_t lock;       /* guards sleepers and the condition */
    pthread_cond_t wake;
    int sleepers;
    int started;                /* workers running (under submit_lock) */
} pool = {0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static __thread int inside_task;   /* a task asking for threads runs its job inline */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* Claims and runs tasks of the current job until none is left. Returns
 * whether it ran any. */
static int run_tasks(void)
{
    int ran = 0;
    for (;;) {
        uint64_t s = __atomic_load_n(&pool.state, __ATOMIC_ACQUIRE);
        int t = JOB_NEXT(s);
        if (t >= JOB_NTASKS(s))
            return ran;
        if (!__atomic_compare_exchange_n(&pool.state, &s, s + 1, 0, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            continue;
        /* The job cannot end before this task does, so fn and arg are its own. */
        inside_task = 1;
        pool.fn(pool.arg, t);
        inside_task = 0;
        __atomic_sub_fetch(&pool.pending, 1, __ATOMIC_RELEASE);
        ran = 1;
    }
}

static int has_work(void)
{
    uint64_t s = __atomic_load_n(&pool.state, __ATOMIC_ACQUIRE);
    return JOB_NEXT(s) < JOB_NTASKS(s);
}

static void *worker(void *unused)
{
    (void)unused;
    for (;;) {
        int spins = 0;
        while (!has_work() && spins < SPIN_ROUNDS) {
            cpu_relax();
            spins++;
        }
        if (run_tasks())
            continue;
        pthread_mutex_lock(&pool.lock);
        pool.sleepers++;
        while (!has_work())    /* re-checked under the lock: no lost wake-up */
            pthread_cond_wait(&pool.wake, &pool.lock);
        pool.sleepers--;
        pthread_mutex_unlock(&pool.lock);
    }
    return NULL;   /* not reached: workers live as long as the process */
}

/* In a forked child only the forking thread exists: forget the workers and
 * reset the locks. The prepare handler takes submit_lock, so no job is in
 * flight when the process forks. */
static void atfork_prepare(void)
{
    pthread_mutex_lock(&submit_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&submit_lock);
}

static void atfork_child(void)
{
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.sleepers = 0;
    pool.started = 0;
    pool.state = 0;
    pool.pending = 0;
    pthread_mutex_init(&submit_lock, NULL);
}

static void register_atfork(void)
{
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/* Starts workers until `want` are running (called with submit_lock held). */
static void grow_pool(int want)
{
    while (pool.started < want) {
        pthread_t tid;
        if (pthread_create(&tid, NULL, worker, NULL) != 0)
            break;   /* fewer workers: the caller's thread picks up the slack */
        pthread_detach(tid);
        pool.started++;
    }
}

void nl_parallel_for(int ntasks, void (*fn)(void *arg, int task), void *arg)
{
    uint64_t gen;
    if (ntasks <= 1 || inside_task) {
        for (int t = 0; t < ntasks; t++)
            fn(arg, t);
        return;
    }
    if (ntasks > NL_MAX_TASKS)
        ntasks = NL_MAX_TASKS;   /* callers never ask for more */
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&submit_lock);
    grow_pool(ntasks - 1);
    pool.fn = fn;
    pool.arg = arg;
    __atomic_store_n(&pool.pending, ntasks, __ATOMIC_RELAXED);
    gen = (__atomic_load_n(&pool.state, __ATOMIC_RELAXED) >> 16) + 1;
    __atomic_store_n(&pool.state, JOB(gen, ntasks, 0), __ATOMIC_RELEASE);
    pthread_mutex_lock(&pool.lock);
    if (pool.sleepers > 0)
        pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    run_tasks();
    while (__atomic_load_n(&pool.pending, __ATOMIC_ACQUIRE) > 0)
        cpu_relax();
    pthread_mutex_unlock(&submit_lock);
}

#endif
