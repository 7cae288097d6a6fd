#ifndef CORDON_FUZZ_DRIVER_H
#define CORDON_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// A libFuzzer test callback: `LLVMFuzzerTestOneInput`.
typedef int (*CordonFuzzCallback)(const uint8_t *_Nonnull data, size_t size);

/// Runs libFuzzer's driver (`LLVMFuzzerRunDriver`, from the runtime that `-sanitize=fuzzer`
/// links) with the process arguments and `callback`; returns libFuzzer's exit status.
///
/// SwiftPM links every executable product with `--defsym main=<module>_main`, so an executable
/// target must define its own entry point and cannot use libFuzzer's `main`; this is that
/// entry point's body.
int cordon_fuzz_run(int argc, char *_Nullable *_Nonnull argv, CordonFuzzCallback _Nonnull callback);

#endif
