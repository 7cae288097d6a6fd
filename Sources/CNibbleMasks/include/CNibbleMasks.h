#ifndef CNIBBLEMASKS_H
#define CNIBBLEMASKS_H

#include <stdbool.h>
#include <stdint.h>

/// Whether this processor and its operating system run AVX2 code (CPUID leaf 7 and the YMM
/// state enabled in XCR0); always false off x86-64. Read once by the decoders
/// (`NibbleClass.isAvailable`): the functions below may be called only when it is true.
bool cordon_nibble_masks_available(void);

/// The members among the 64 bytes at `block` of the byte class given by `tables` (16 bytes
/// indexed by a byte's low nibble, then 16 indexed by its high nibble): byte `i` is a member
/// when `tables[b & 15] & tables[16 + (b >> 4)]` is not zero, and sets bit `i` of the result.
///
/// The reason: without SSSE3 in the baseline build, the decoders' classification of each byte
/// took 9 to 30 SSE2 instructions per 16 bytes (one or two per range bound); a nibble table
/// classifies 32 bytes with two `vpshufb` and an `and`, whatever the class (AVX2).
uint64_t cordon_nibble_mask64(const uint8_t *block, const uint8_t *tables);

/// Several classes of the same 64 bytes at once: `tables` holds `count` table pairs of 32 bytes
/// each, and the members of class `k` are stored in `masks[k]`. The columns decoder needs the
/// marked bytes and the line feeds of each block; the joined decoder three classes.
void cordon_nibble_masks64(const uint8_t *block, const uint8_t *tables, int count, uint64_t *masks);

#endif
