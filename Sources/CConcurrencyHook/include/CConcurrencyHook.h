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

#endif
