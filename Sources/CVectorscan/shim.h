#ifndef CORDON_CVECTORSCAN_SHIM_H
#define CORDON_CVECTORSCAN_SHIM_H

// Vectorscan (the portable fork of Intel Hyperscan, libhs; Debian libvectorscan-dev): Cordon's
// first stage finds every keyword occurrence of every detector in one SIMD pass. pkg-config
// (libhs) adds -I/usr/include/hs, so the header is found by its bare name.
#include <hs.h>

#endif
