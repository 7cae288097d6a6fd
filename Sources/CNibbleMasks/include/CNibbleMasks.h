#ifndef CNIBBLEMASKS_H
#define CNIBBLEMASKS_H

#include <stdbool.h>
#include <stddef.h>
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

/// The most table pairs `cordon_packed_block_masks` reads.
#define CORDON_MAXIMUM_TABLE_PAIRS 4

/// Every 64-byte block of `text[0 ..< count]` classified by `classCount` classes in one pass:
/// bit `i` of `planes[k * blockCount + b]` (with `blockCount = (count + 63) / 64`) is set when
/// byte `64 * b + i` is a member of class `k`. The classes share `pairCount` (at most
/// `CORDON_MAXIMUM_TABLE_PAIRS`) pairs of nibble tables at `tables` (32 bytes each: low-nibble
/// table, high-nibble table); a byte is a member of class `k` when its class byte in pair
/// `classPairs[k]` (low-nibble entry & high-nibble entry) shares a bit with `classBits[k]`.
/// The last block, when shorter than 64 bytes, is read as if followed by zero bytes.
///
/// The reason: the base64, hex, columns and joined decoders each classified every block of a
/// message themselves, one call per block and decoder, with a table pair per class; one pass
/// loads each block once, splits its nibbles once, reads each shared pair once for all the
/// classes in it, and makes no call per block (`DecoderMasks`, `PackedNibbleClasses`).
void cordon_packed_block_masks(
    const uint8_t *text, size_t count, const uint8_t *tables, int pairCount, const uint8_t *classPairs, const uint8_t *classBits,
    int classCount, uint64_t *planes);

#endif
