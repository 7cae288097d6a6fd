#ifndef CCONCURRENCYHOOK_H
#define CCONCURRENCYHOOK_H

#include <stdbool.h>

/// Sets the Swift runtime's global-enqueue hook (`swift_task_enqueueGlobal_hook`) to `hook`
/// when no hook is set yet; returns whether it did.
///
/// The runtime's variable is reached by a direct (link-time) reference rather than by `dlsym`:
/// in a binary linked with `--static-swift-stdlib` the Swift runtime's symbols are not exported
/// (`--exclude-libs ALL`), so SwiftNIO's own installer, which looks the hook up with `dlsym`,
/// finds nothing there and gives up.
bool cordon_install_enqueue_global_hook(void *hook);

/// Runs a job (an `UnownedJob`'s pointer) on the calling thread as the runtime's own global
/// executor runs one: on the generic executor (no isolation), not isolated to a serial executor.
///
/// A job run isolated to an event loop's serial executor (what `ExecutorJob.runSynchronously(on:)`
/// with the loop does, and SwiftNIO's own hook) cannot call a nonisolated async function in
/// place: the runtime must switch to the generic executor, which means enqueueing the task again
/// (`swift_task_switch`), and once more on the way back. A job of the global queue is not isolated
/// to anything, so it runs on the generic executor, as Swift's own thread pool runs it.
void cordon_run_job_on_generic_executor(void *job);

#endif
