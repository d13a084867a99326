/* threads.c - a small persistent thread pool (the only POSIX-specific file).
 *
 * Workers sleep on a condition variable between jobs; the calling thread takes
 * tasks too, so a job of n tasks uses n-1 workers. Tasks are handed out in
 * order through a counter under the pool's mutex: which thread runs a task
 * never changes what the task computes. After fork() the child has no worker
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

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work;        /* a job arrived, or shutdown */
    pthread_cond_t done;        /* the last task of a job finished */
    pthread_t threads[NL_MAX_TASKS];
    int started;                /* workers running */
    unsigned long generation;   /* bumped once per job */
    void (*fn)(void *, int);
    void *arg;
    int ntasks, next, pending;
};

static struct pool pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
                           PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0, 0, 0, 0, 0};
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* Takes and runs tasks of the current job until none is left.
 * Called with pool.lock held; returns with it held. */
static void run_tasks(void)
{
    while (pool.next < pool.ntasks) {
        int t = pool.next++;
        void (*fn)(void *, int) = pool.fn;
        void *arg = pool.arg;
        pthread_mutex_unlock(&pool.lock);
        fn(arg, t);
        pthread_mutex_lock(&pool.lock);
        if (--pool.pending == 0)
            pthread_cond_signal(&pool.done);
    }
}

static void *worker(void *unused)
{
    unsigned long seen;
    (void)unused;
    pthread_mutex_lock(&pool.lock);
    seen = pool.generation;
    for (;;) {
        while (pool.generation == seen)
            pthread_cond_wait(&pool.work, &pool.lock);
        seen = pool.generation;
        run_tasks();
    }
    return NULL;   /* not reached: workers live as long as the process */
}

/* In a forked child only the forking thread exists: forget the workers and
 * reset the locks (the parent held submit_lock during fork only if it was
 * inside a job, which the prepare handler rules out by taking it). */
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
    pthread_cond_init(&pool.work, NULL);
    pthread_cond_init(&pool.done, NULL);
    pool.started = 0;
    pool.ntasks = pool.next = pool.pending = 0;
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
        if (pthread_create(&pool.threads[pool.started], NULL, worker, NULL) != 0)
            break;   /* fewer workers: the caller's thread picks up the slack */
        pthread_detach(pool.threads[pool.started]);
        pool.started++;
    }
}

void nl_parallel_for(int ntasks, void (*fn)(void *arg, int task), void *arg)
{
    if (ntasks <= 1) {
        if (ntasks == 1)
            fn(arg, 0);
        return;
    }
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&submit_lock);
    grow_pool(ntasks - 1 < NL_MAX_TASKS - 1 ? ntasks - 1 : NL_MAX_TASKS - 1);
    pthread_mutex_lock(&pool.lock);
    pool.fn = fn;
    pool.arg = arg;
    pool.ntasks = ntasks;
    pool.next = 0;
    pool.pending = ntasks;
    pool.generation++;
    pthread_cond_broadcast(&pool.work);
    run_tasks();
    while (pool.pending > 0)
        pthread_cond_wait(&pool.done, &pool.lock);
    pool.ntasks = pool.next = 0;
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&submit_lock);
}

#endif
