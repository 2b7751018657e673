extension Axis {
    /// One label's extent along the axis, in pixels from the axis's low end.
    public struct LabelBox: Sendable, Equatable {
        /// The label.
        public var label: String
        /// Where the tick is.
        public var centre: Double
        /// The label's low and high ends along the axis (horizontal: its width; vertical: its height).
        public var low: Double, high: Double
    }

    /// Pixels from the axis's low end to `position`, for an axis `length` pixels long.
    public func pixel(_ position: Double, length: Double) -> Double {
        let span = range.high - range.low
        if span.isFinite { return (position - range.low) / span * length }
        // Ends near ±1.8e308 overflow the span; their halves do not.
        return (position / 2 - range.low / 2) / (range.high / 2 - range.low / 2) * length
    }

    /// The axis as drawn `length` pixels long: minor ticks closer than 2 pixels to a kept tick dropped, and only the
    /// labels that fit kept (the others become empty), none closer than `metrics.gap` to another.
    ///
    /// Labels are kept by priority: on decade axes 0, then the decades from the largest down, each if it fits
    /// among those kept; when fewer than two decades fit (a narrow logicle range such as a CD45 axis holding only
    /// 10⁴), the minor ticks 2 and 5 × 10ᵏ are labelled too, then the others. On linear axes every other round
    /// number is kept first, and the rest only if all of them fit.
    public func thinned(length: Double, metrics: TickLabelMetrics = TickLabelMetrics(), vertical: Bool) -> Axis {
        guard length > 0, range.high > range.low else { return self }
        var kept: [Tick] = []
        // Majors always stay as ticks; minors only with room around them.
        let majors = ticks.filter { !$0.minor }.map { pixel($0.position, length: length) }
        var lastMinor = -Double.infinity
        for tick in ticks {
            guard tick.minor else { kept.append(tick); continue }
            let p = pixel(tick.position, length: length)
            guard p - lastMinor >= 2, !majors.contains(where: { abs($0 - p) < 2 }) else { continue }
            lastMinor = p
            kept.append(tick)
        }
        var accepted: [LabelBox] = []
        func box(_ tick: Tick) -> LabelBox { labelBox(tick, length: length, metrics: metrics, vertical: vertical) }
        func fits(_ candidate: LabelBox, among boxes: [LabelBox]) -> Bool {
            !boxes.contains { candidate.low < $0.high + metrics.gap && $0.low < candidate.high + metrics.gap }
        }
        var labelled = Set<Int>()
        let order = kept.indices.filter { !kept[$0].label.isEmpty }.sorted {
            (kept[$0].priority, kept[$0].position) < (kept[$1].priority, kept[$1].position)
        }
        let levels = Dictionary(grouping: order, by: { kept[$0].priority }).sorted { $0.key < $1.key }
        for (level, indices) in levels {
            let minorLevel = indices.contains { kept[$0].minor }
            // Minor ticks are labelled only when fewer than two decades carry a label.
            if minorLevel && labelled.count >= 2 { break }
            if !decades && level > 0 {
                // Linear: the next level all at once or not at all, so labels stay evenly spaced.
                var trial = accepted
                var all = true
                for i in indices {
                    let b = box(kept[i])
                    if fits(b, among: trial) { trial.append(b) } else { all = false; break }
                }
                if all { accepted = trial; labelled.formUnion(indices) }
                break
            }
            for i in indices {
                let b = box(kept[i])
                if fits(b, among: accepted) { accepted.append(b); labelled.insert(i) }
            }
        }
        var thinned = self
        thinned.ticks = kept.indices.map { i in
            var tick = kept[i]
            if !labelled.contains(i) { tick.label = "" }
            return tick
        }
        return thinned
    }

    /// The boxes of the labels this axis draws (non-empty labels) at `length` pixels, ordered by position.
    public func labelBoxes(length: Double, metrics: TickLabelMetrics = TickLabelMetrics(), vertical: Bool) -> [LabelBox] {
        ticks.filter { !$0.label.isEmpty }.map { labelBox($0, length: length, metrics: metrics, vertical: vertical) }
    }

    /// A tick label's box: centred on its tick, as wide (horizontal axis) or tall (vertical axis) as the metrics say.
    func labelBox(_ tick: Tick, length: Double, metrics: TickLabelMetrics, vertical: Bool) -> LabelBox {
        let centre = pixel(tick.position, length: length)
        let extent = vertical ? metrics.height(tick.label) : metrics.width(tick.label)
        return LabelBox(label: tick.label, centre: centre, low: centre - extent / 2, high: centre + extent / 2)
    }
}
