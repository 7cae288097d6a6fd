#ifndef CORDON_CPCRE2_SHIM_H
#define CORDON_CPCRE2_SHIM_H

// libpcre2 is built for several code-unit widths; Cordon scans bytes, so it
// uses the 8-bit library. The width must be fixed before <pcre2.h> is read.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

// PCRE2_UNSET is a cast macro that Swift cannot import, and its value (~0)
// does not fit the Int that size_t becomes in Swift; test for it here.
static inline int cordon_pcre2_is_unset(PCRE2_SIZE offset) {
    return offset == PCRE2_UNSET;
}

// memmem is a GNU extension that Swift's Glibc module does not export.
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

#endif
