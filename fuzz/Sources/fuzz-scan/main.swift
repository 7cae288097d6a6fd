import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

#if canImport(Glibc)
import Glibc
#endif

// `CORDON_FUZZ_EMIT_SEEDS=<folder>`: write every built-in detector's examples to the folder, a
// few to a file (run.sh adds them to the seed corpus), and exit.
if let folder = getenv("CORDON_FUZZ_EMIT_SEEDS").map({ String(cString: $0) }) {
    emitExampleSeeds(to: folder)
    exit(0)
}
runFuzzer(fuzz)
