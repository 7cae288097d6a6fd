#include "CNibbleMasks.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

bool cordon_nibble_masks_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    // OSXSAVE (the OS saves extended state) and AVX.
    if ((ecx & (1u << 27)) == 0 || (ecx & (1u << 28)) == 0) return false;
    unsigned int xcr0Low, xcr0High;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    // XMM and YMM state enabled.
    if ((xcr0Low & 6u) != 6u) return false;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    return (ebx & (1u << 5)) != 0;
}

/// The bytes of `bytes` whose class byte (low-nibble table & high-nibble table) is zero: the
/// non-members, as lanes of 0xFF.
__attribute__((target("avx2"))) static inline __m256i nonMembers(__m256i bytes, __m256i low, __m256i high) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i lowClass = _mm256_shuffle_epi8(low, _mm256_and_si256(bytes, nibble));
    __m256i highClass = _mm256_shuffle_epi8(high, _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble));
    return _mm256_cmpeq_epi8(_mm256_and_si256(lowClass, highClass), _mm256_setzero_si256());
}

__attribute__((target("avx2"))) static inline uint64_t membersOf(__m256i first, __m256i second, const uint8_t *tables) {
    __m256i low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)tables));
    __m256i high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 16)));
    uint64_t outside = (uint32_t)_mm256_movemask_epi8(nonMembers(first, low, high));
    outside |= (uint64_t)(uint32_t)_mm256_movemask_epi8(nonMembers(second, low, high)) << 32;
    return ~outside;
}

__attribute__((target("avx2"))) uint64_t cordon_nibble_mask64(const uint8_t *block, const uint8_t *tables) {
    __m256i first = _mm256_loadu_si256((const __m256i *)block);
    __m256i second = _mm256_loadu_si256((const __m256i *)(block + 32));
    return membersOf(first, second, tables);
}

__attribute__((target("avx2"))) void cordon_nibble_masks64(const uint8_t *block, const uint8_t *tables, int count, uint64_t *masks) {
    __m256i firstHalf = _mm256_loadu_si256((const __m256i *)block);
    __m256i secondHalf = _mm256_loadu_si256((const __m256i *)(block + 32));
    for (int index = 0; index < count; index++) masks[index] = membersOf(firstHalf, secondHalf, tables + 32 * index);
}

/// The class bytes (low-nibble entry & high-nibble entry) of the 64 bytes `first`, `second` for
/// each of `pairCount` table pairs, then the members of each class (the bytes whose class byte
/// in its pair shares a bit with the class's bits), stored in `planes[class * blockCount + block]`.
__attribute__((target("avx2"), always_inline)) static inline void classifyPackedBlock(
    __m256i first, __m256i second, const uint8_t *tables, int pairCount, const uint8_t *classPairs, const uint8_t *classBits,
    int classCount, uint64_t *planes, size_t blockCount, size_t block) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    __m256i firstLow = _mm256_and_si256(first, nibble);
    __m256i firstHigh = _mm256_and_si256(_mm256_srli_epi16(first, 4), nibble);
    __m256i secondLow = _mm256_and_si256(second, nibble);
    __m256i secondHigh = _mm256_and_si256(_mm256_srli_epi16(second, 4), nibble);
    __m256i firstClasses[CORDON_MAXIMUM_TABLE_PAIRS];
    __m256i secondClasses[CORDON_MAXIMUM_TABLE_PAIRS];
#pragma clang loop unroll(full)
    for (int pair = 0; pair < pairCount; pair++) {
        __m256i low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 32 * pair)));
        __m256i high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 32 * pair + 16)));
        firstClasses[pair] = _mm256_and_si256(_mm256_shuffle_epi8(low, firstLow), _mm256_shuffle_epi8(high, firstHigh));
        secondClasses[pair] = _mm256_and_si256(_mm256_shuffle_epi8(low, secondLow), _mm256_shuffle_epi8(high, secondHigh));
    }
#pragma clang loop unroll(full)
    for (int index = 0; index < classCount; index++) {
        __m256i bits = _mm256_set1_epi8((char)classBits[index]);
        int pair = classPairs[index];
        uint64_t outside = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(firstClasses[pair], bits), zero));
        outside |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(secondClasses[pair], bits), zero)) << 32;
        planes[(size_t)index * blockCount + block] = ~outside;
    }
}

__attribute__((target("avx2"))) void cordon_packed_block_masks(
    const uint8_t *text, size_t count, const uint8_t *tables, int pairCount, const uint8_t *classPairs, const uint8_t *classBits,
    int classCount, uint64_t *planes) {
    size_t blockCount = (count + 63) / 64;
    size_t fullBlocks = count / 64;
    if (pairCount > CORDON_MAXIMUM_TABLE_PAIRS) pairCount = CORDON_MAXIMUM_TABLE_PAIRS;
    size_t block = 0;
    if (pairCount == 3 && classCount == 7) {
        // The decoders' classes (`DecoderMasks`): with the counts constant, the loops over the
        // pairs and classes are unrolled (callgrind, real text: ~170 instructions a block through
        // the loops, ~130 unrolled).
        for (; block < fullBlocks; block++) {
            const uint8_t *at = text + 64 * block;
            classifyPackedBlock(_mm256_loadu_si256((const __m256i *)at), _mm256_loadu_si256((const __m256i *)(at + 32)), tables, 3,
                classPairs, classBits, 7, planes, blockCount, block);
        }
    }
    for (; block < fullBlocks; block++) {
        const uint8_t *at = text + 64 * block;
        classifyPackedBlock(_mm256_loadu_si256((const __m256i *)at), _mm256_loadu_si256((const __m256i *)(at + 32)), tables, pairCount,
            classPairs, classBits, classCount, planes, blockCount, block);
    }
    if (fullBlocks < blockCount) {
        uint8_t tail[64];
        memset(tail, 0, sizeof tail);
        memcpy(tail, text + 64 * fullBlocks, count - 64 * fullBlocks);
        classifyPackedBlock(_mm256_loadu_si256((const __m256i *)tail), _mm256_loadu_si256((const __m256i *)(tail + 32)), tables, pairCount,
            classPairs, classBits, classCount, planes, blockCount, fullBlocks);
    }
}

#else

bool cordon_nibble_masks_available(void) { return false; }

uint64_t cordon_nibble_mask64(const uint8_t *block, const uint8_t *tables) {
    (void)block;
    (void)tables;
    return 0;
}

void cordon_nibble_masks64(const uint8_t *block, const uint8_t *tables, int count, uint64_t *masks) {
    (void)block;
    (void)tables;
    for (int index = 0; index < count; index++) masks[index] = 0;
}

void cordon_packed_block_masks(
    const uint8_t *text, size_t count, const uint8_t *tables, int pairCount, const uint8_t *classPairs, const uint8_t *classBits,
    int classCount, uint64_t *planes) {
    (void)text;
    (void)tables;
    (void)pairCount;
    (void)classPairs;
    (void)classBits;
    size_t blockCount = (count + 63) / 64;
    for (size_t index = 0; index < (size_t)classCount * blockCount; index++) planes[index] = 0;
}

#endif
