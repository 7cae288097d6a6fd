# Cordon: the two Quick start commands (`make example`, `make test`) and their prerequisites.
# Both install what a fresh Debian machine lacks (libpcre2-dev, libvectorscan-dev, pkg-config) when
# run as root.

SWIFT ?= swift
CORDON = .build/debug/cordon

.PHONY: deps build release example test

deps:
	@{ pkg-config --exists libpcre2-8 && pkg-config --exists libhs && pkg-config --exists zlib && test -x /usr/bin/time; } 2>/dev/null || { \
		echo "installing libpcre2-dev, libvectorscan-dev, zlib1g-dev, pkg-config and time"; \
		apt-get update -qq && apt-get install -y -qq libpcre2-dev libvectorscan-dev zlib1g-dev pkg-config time >/dev/null; }

build: deps
	$(SWIFT) build --product cordon

# The binary to install (.build/release/cordon): optimised, with the Swift runtime and Foundation
# linked in, so that it needs no Swift installation and a hook process starts in about half the
# time (dynamic loading and binding was a third of its start-up).
#
# Two start-up flags for the install build only, given here rather than as `unsafeFlags` in
# Package.swift (SwiftPM refuses a versioned dependency whose targets carry unsafe flags, and the
# libraries are meant to be embedded): type metadata asked for by accessor instead of by mangled
# name (instantiating a generic type from its mangled name checks its requirements by
# protocol-conformance lookups, and each lookup the runtime has not cached scans every
# conformance record of the binary), and no export of the binary's own ~40,000 symbols, which
# nothing looks up (the static runtime's link flags export them; the backtracer's `dladdr` at
# start-up searched them). Still position-independent (ASLR). bench/RESULTS.md, round 8.
RELEASE_FLAGS = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xlinker --no-export-dynamic

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product cordon $(RELEASE_FLAGS)

# Redact the bundled sample prompt (redacted text on stdout, level and counts on stderr),
# then list its findings. `cordon scan` exits 1 when it finds something: expected here.
example: build
	$(CORDON) redact examples/prompt.md
	@echo
	$(CORDON) scan examples/prompt.md; test $$? -le 1

test: deps
	$(SWIFT) test
