// Per-message latency of the Cordon library, in process.
//
//   cordon-latency --prompts DIR [--iterations-scale X] [--detectors PATH]...
//   cordon-latency --prompts DIR --profile      (where the time goes; see profile() below)
//
// DIR holds one file per prompt size, named by the size in bytes (`1024.bin`, `4096.bin`,
// `65536.bin`, ...): prompts cut from the labelled corpus, separated by NUL bytes (bench/harness.py
// writes them). The engine is compiled once (the built-in detectors unless --detectors is given),
// then every size is warmed up and timed prompt by prompt, cycling through its prompts. One JSON
// object goes to standard output; nothing of the prompts or findings is printed.

import Cordon
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@inline(__always)
func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("cordon-latency: " + message + "\n").utf8))
    exit(2)
}

var promptDirectory: String?
var scale = 1.0
var detectorPaths: [String] = []
var profileMode = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--prompts": promptDirectory = arguments.popFirst()
    case "--iterations-scale":
        guard let value = arguments.popFirst().flatMap(Double.init) else { fail("--iterations-scale needs a number") }
        scale = value
    case "--profile": profileMode = true
    case "--detectors":
        guard let value = arguments.popFirst() else { fail("--detectors needs a path") }
        detectorPaths.append(value)
    default: fail("unknown argument \(argument)")
    }
}
guard let promptDirectory else { fail("usage: cordon-latency --prompts DIR [--iterations-scale X] [--detectors PATH]") }

// Compile once, timed (what a long-running process pays at start-up).
// Timed in two parts: loading the detector set (YAML) and compiling it (PCRE2 + JIT, keywords).
let loadStart = nowNanoseconds()
let set: DetectorSet
do {
    set = try detectorPaths.isEmpty ? DetectorSet.builtIn() : DetectorSet.load(from: detectorPaths)
} catch {
    fail("cannot load the detectors: \(error)")
}
let compileStart = nowNanoseconds()
let engine: Engine
do {
    engine = try Engine(set)
} catch {
    fail("cannot compile the detectors: \(error)")
}
let compileNanoseconds = nowNanoseconds() - compileStart
let loadNanoseconds = compileStart - loadStart

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    // Nearest-rank percentile.
    let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
    return Double(sorted[min(rank, sorted.count) - 1])
}

/// Times `body` over every prompt, `passes` times; returns the best pass in nanoseconds.
func bestPass(_ prompts: [String], passes: Int, _ body: (String) -> Int) -> (nanoseconds: UInt64, sink: Int) {
    var best = UInt64.max
    var sink = 0
    for _ in 0..<passes {
        let start = nowNanoseconds()
        for prompt in prompts { sink &+= body(prompt) }
        best = min(best, nowNanoseconds() - start)
    }
    return (best, sink)
}

/// Where a scan's time goes, on the 4 KB prompts: the full engine with and without decoded
/// layers, then each detector alone in an engine of its own (no decoding), so that the cost of
/// every detector beyond a one-detector engine's fixed cost can be ranked.
func profile(_ prompts: [String]) -> String {
    let bytes = prompts.reduce(0) { $0 + $1.utf8.count }
    func nsPerKB(_ ns: UInt64) -> Double { Double(ns) / Double(bytes) * 1024 }
    let full = bestPass(prompts, passes: 5) { engine.scan($0).findings.count }
    guard let plain = try? Engine(set, limits: ScanLimits(decodingDepth: 0)) else { fail("cannot compile without decoding") }
    let noDecoding = bestPass(prompts, passes: 5) { plain.scan($0).findings.count }
    var costs: [(id: String, keywords: Int, ns: UInt64)] = []
    for detector in set.detectors {
        guard let one = try? DetectorSet([detector]), let alone = try? Engine(one, limits: ScanLimits(decodingDepth: 0)) else {
            continue
        }
        let pass = bestPass(prompts, passes: 3) { alone.scan($0).findings.count }
        costs.append((detector.id, detector.keywords.count, pass.nanoseconds))
    }
    // A one-detector engine's fixed cost: the keyword pass over the prompt for a detector with
    // keywords (measured by the cheapest such detector: its keywords hardly ever occur), nearly
    // nothing for one without. What a detector costs is what it adds to its kind's floor.
    let keywordFloor = costs.filter { $0.keywords > 0 }.map(\.ns).min() ?? 0
    let plainFloor = costs.filter { $0.keywords == 0 }.map(\.ns).min() ?? 0
    let floor = keywordFloor
    let excess = costs.map { ($0.id, $0.keywords, $0.ns - ($0.keywords > 0 ? keywordFloor : plainFloor)) }.sorted { $0.2 > $1.2 }
    let totalExcess = excess.reduce(0) { $0 + $1.2 }
    let keywordless = excess.filter { $0.1 == 0 }
    let keywordlessExcess = keywordless.reduce(0) { $0 + $1.2 }
    let top = excess.prefix(15).map {
        "{\"id\":\"\($0.0)\",\"keywords\":\($0.1),\"us_per_kb\":\(String(format: "%.2f", nsPerKB($0.2) / 1000)),"
            + "\"share\":\(String(format: "%.3f", totalExcess > 0 ? Double($0.2) / Double(totalExcess) : 0))}"
    }
    return "{\"prompt_bytes\":\(bytes),\"prompts\":\(prompts.count),"
        + "\"full_us_per_kb\":\(String(format: "%.2f", nsPerKB(full.nanoseconds) / 1000)),"
        + "\"no_decoding_us_per_kb\":\(String(format: "%.2f", nsPerKB(noDecoding.nanoseconds) / 1000)),"
        + "\"keyword_pass_us_per_kb\":\(String(format: "%.2f", nsPerKB(floor) / 1000)),"
        + "\"keywordless_floor_us_per_kb\":\(String(format: "%.2f", nsPerKB(plainFloor) / 1000)),"
        + "\"sum_of_detector_costs_us_per_kb\":\(String(format: "%.2f", nsPerKB(totalExcess) / 1000)),"
        + "\"keywordless_detectors\":\(keywordless.count),"
        + "\"keywordless_share\":\(String(format: "%.3f", totalExcess > 0 ? Double(keywordlessExcess) / Double(totalExcess) : 0)),"
        + "\"top\":[\(top.joined(separator: ","))],\"sink\":\((full.sink &+ noDecoding.sink) % 2)}"
}

if profileMode {
    guard let data = FileManager.default.contents(atPath: promptDirectory + "/4096.bin") else { fail("cannot read 4096.bin") }
    let prompts = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    print(profile(prompts))
    exit(0)
}

let files = (try? FileManager.default.contentsOfDirectory(atPath: promptDirectory)) ?? []
let sizes = files.compactMap { name -> Int? in
    name.hasSuffix(".bin") ? Int(name.dropLast(4)) : nil
}.sorted()
if sizes.isEmpty { fail("no <size>.bin prompt files in \(promptDirectory)") }

var results: [String] = []
var sink = 0
for size in sizes {
    guard let data = FileManager.default.contents(atPath: promptDirectory + "/\(size).bin") else {
        fail("cannot read \(size).bin")
    }
    let prompts: [String] = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    if prompts.isEmpty { fail("\(size).bin holds no prompt") }
    // About 40 MB of text per size at scale 1, at least 500 and at most 20,000 iterations.
    let iterations = max(200, Int(scale * Double(min(20_000, max(500, 40_000_000 / size)))))
    let warmup = max(50, iterations / 10)
    for i in 0..<warmup { sink &+= engine.scan(prompts[i % prompts.count]).findings.count }
    var samples = [UInt64](repeating: 0, count: iterations)
    var findings = 0
    var incomplete = 0
    let wallStart = nowNanoseconds()
    for i in 0..<iterations {
        let prompt = prompts[i % prompts.count]
        let start = nowNanoseconds()
        let result = engine.scan(prompt)
        samples[i] = nowNanoseconds() - start
        findings &+= result.findings.count
        if !result.isComplete { incomplete += 1 }
    }
    let wall = Double(nowNanoseconds() - wallStart)
    sink &+= findings
    samples.sort()
    let mean = Double(samples.reduce(0, +)) / Double(samples.count)
    let bytes = prompts.reduce(0) { $0 + $1.utf8.count } / prompts.count
    func us(_ ns: Double) -> String { String(format: "%.3f", ns / 1000) }
    results.append(
        "{\"bytes\":\(size),\"mean_prompt_bytes\":\(bytes),\"prompts\":\(prompts.count),\"iterations\":\(iterations),"
            + "\"p50_us\":\(us(percentile(samples, 50))),\"p90_us\":\(us(percentile(samples, 90))),"
            + "\"p99_us\":\(us(percentile(samples, 99))),\"p999_us\":\(us(percentile(samples, 99.9))),"
            + "\"min_us\":\(us(Double(samples[0]))),\"max_us\":\(us(Double(samples[samples.count - 1]))),"
            + "\"mean_us\":\(us(mean)),\"mb_per_s\":\(String(format: "%.1f", Double(bytes * iterations) / wall * 1000)),"
            + "\"findings_per_prompt\":\(String(format: "%.2f", Double(findings) / Double(iterations))),\"incomplete\":\(incomplete)}")
}
print(
    "{\"detectors\":\(engine.detectors.count),\"load_ms\":\(String(format: "%.2f", Double(loadNanoseconds) / 1e6)),"
        + "\"compile_ms\":\(String(format: "%.2f", Double(compileNanoseconds) / 1e6)),"
        + "\"sizes\":[\(results.joined(separator: ","))],\"sink\":\(sink % 2)}")
