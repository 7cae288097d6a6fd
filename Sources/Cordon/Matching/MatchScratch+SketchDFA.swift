extension MatchScratch {
    /// This thread's deterministic form of `sketch`, the sketch of the engine's detector at
    /// `index`, made on first need and kept with the scratch, so that the states it builds serve
    /// every later scan on this thread; `nil` when the sketch has none (``SketchDFA/init(sketch:)``).
    ///
    /// Kept here rather than with the sketch, which all threads share: the tables grow while a
    /// scan runs, and one per thread needs no lock.
    func sketchDFA(at index: Int, for sketch: PatternSketch) -> SketchDFA? {
        if index < sketchDFAs.count, let known = sketchDFAs[index], known.sketch === sketch { return known }
        guard let made = SketchDFA(sketch: sketch) else { return nil }
        if index >= sketchDFAs.count { sketchDFAs.append(contentsOf: repeatElement(nil, count: index + 1 - sketchDFAs.count)) }
        sketchDFAs[index] = made
        return made
    }
}
