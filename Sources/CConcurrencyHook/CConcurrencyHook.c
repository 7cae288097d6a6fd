#include "CConcurrencyHook.h"

#include <stddef.h>
#include <stdint.h>

/// Defined by the Swift concurrency runtime (libswift_Concurrency), statically or dynamically.
extern void *swift_task_enqueueGlobal_hook;

/// The runtime's `SerialExecutorRef` (swift/ABI/Executor.h): an identity and an implementation
/// word; both zero is the generic executor (`SerialExecutorRef::generic()`).
typedef struct {
    void *identity;
    uintptr_t implementation;
} CordonSerialExecutorRef;

/// `SWIFT_CC(swift) void swift_job_run(Job *job, SerialExecutorRef executor)`, exported by the
/// concurrency runtime for executors: runs `job` with `executor` as its current executor.
extern void swift_job_run(void *job, CordonSerialExecutorRef executor) __attribute__((swiftcall));

bool cordon_install_enqueue_global_hook(void *hook) {
    void *expected = NULL;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void cordon_run_job_on_generic_executor(void *job) {
    CordonSerialExecutorRef generic = {NULL, 0};
    swift_job_run(job, generic);
}
