extension Engine {
    /// Adds every further occurrence of a found value that stands alone and is not yet reported
    /// there by its detector: the password of `password=…` where it appears again without its key,
    /// an address where a neighbouring `@` kept the pattern from matching, a value found in a
    /// decoded layer where the same encoded text appears again. Values of at least
    /// ``propagationMinimumLength`` bytes, most severe first, of detectors that propagate
    /// (``CompiledDetector/propagatesValue``).
    ///
    /// All values are looked for, ``propagationLimit`` at a time (one pass over the message per
    /// batch, the batch's index keeping each pass linear). There used to be only one batch, so
    /// 300 decoy assignments pushed a real value out of it and its other occurrences through;
    /// now a message with many values costs one pass per 256 of them, within the time budget,
    /// and a scan whose budget runs out before every batch is done is incomplete (fail closed).
    func propagate(
        in buffer: UnsafeBufferPointer<UInt8>, findings: inout [RawFinding], deadline: ContinuousClock.Instant,
        failures: inout [DetectorFailure]
    ) {
        // Most severe first: when several detectors found the same bytes (a bearer token that
        // also looks like a host name), the value travels under the highest level.
        // Identifiers found by their key alone (a login user name) are not propagated: their
        // other occurrences are ordinary words (`postgres`), not values.
        let candidates = findings.filter {
            $0.range.count >= Self.propagationMinimumLength && propagates[$0.detector]
        }.sorted {
            (levels[$0.detector], $0.confidence, $1.range.lowerBound) > (levels[$1.detector], $1.confidence, $0.range.lowerBound)
        }
        guard !candidates.isEmpty else { return }
        var added: [RawFinding] = []
        var propagation = ValuePropagation(capacity: min(candidates.count, Self.propagationLimit))
        var remaining = candidates.count
        // A batch's index is two bit sets sized for the batch (``ValuePropagation/init(capacity:)``),
        // zeroed when made: a new one is made only when another batch follows, not after the
        // last (#13: making one after every message's last batch too cost 1.4 % of a dense
        // folder scan's instructions in zeroing alone, 1.9 % with its allocations, callgrind).
        func lookForBatch() -> Bool {
            guard propagation.count > 0 else { return true }
            guard ContinuousClock.now <= deadline,
                let found = propagation.occurrences(in: buffer, excluding: findings, deadline: deadline, where: { Self.isStandalone($0, in: buffer) })
            else {
                if !failures.contains(where: { $0.reason == ScanDeadline.reason }) {
                    failures.append(DetectorFailure(detectorID: "value-propagation", reason: ScanDeadline.reason))
                }
                return false
            }
            added += found
            return true
        }
        for finding in candidates {
            if propagation.count == Self.propagationLimit {
                guard lookForBatch() else { return }
                propagation = ValuePropagation(capacity: min(remaining, Self.propagationLimit))
            }
            propagation.add(finding, in: buffer)
            remaining -= 1
        }
        guard lookForBatch(), !added.isEmpty else { return }
        findings.append(contentsOf: added)
        findings.sort()
        findings = findings.oneFindingPerSpan(levels: levels)
    }
}
