extension FCSReader {
    /// The DATA segment and event count, with the repairs needed to find them.
    struct ResolvedData {
        var data: Segment
        var events: Int
        var repairs: [Repair] = []
    }

    /// How well one candidate DATA range fits the file and `$TOT`.
    private enum Fit: Equatable {
        case exact
        /// The end is one byte too far (very common): the segment is one byte shorter than written.
        case endOffByOne
        case lengthMismatch(Int)
        case outOfBounds(FCSError)
    }

    /// Chooses the DATA segment from the HEADER and from `$BEGINDATA`/`$ENDDATA`.
    ///
    /// A candidate that overlaps TEXT or runs past the end of the file is rejected; of the rest, the one whose
    /// length is `$TOT × bytes per event` (or one byte more) is kept. When both fit and start at different
    /// bytes, the file is ambiguous and ``FCSReadOptions/offsetPreference`` decides.
    func resolveData(base: Int, header: FCSHeader, keywords: Keywords, text: Segment,
                     layout: inout DataLayout, parameters: [Parameter]) throws -> ResolvedData {
        var repairs: [Repair] = []
        let headerCandidate = header.data.map { Segment(start: base + $0.start, end: base + $0.end) }
        var textCandidate: Segment?
        if let beginEntry = keywords.entry("$BEGINDATA"), let endEntry = keywords.entry("$ENDDATA") {
            guard let begin = Int(beginEntry.value.trimmingSpaces), let end = Int(endEntry.value.trimmingSpaces),
                  begin >= 0, end >= 0 else {
                throw FCSError(.badKeywordValue, offset: beginEntry.offset, keyword: "$BEGINDATA/$ENDDATA",
                               expected: "byte offsets", found: "'\(printable(beginEntry.value.utf8))', '\(printable(endEntry.value.utf8))'")
            }
            if begin > Self.maximumOffset || end > Self.maximumOffset {
                // Beyond any file: not a candidate (and never added to a base, which could overflow).
                let beyond = FCSError(.segmentOutOfBounds, offset: beginEntry.offset, keyword: "$BEGINDATA/$ENDDATA",
                                      expected: "DATA offsets inside the file (\(bytes.count) bytes)", found: "\(begin)–\(end)")
                guard headerCandidate != nil else { throw beyond }
                repairs.append(Repair("data_offsets_disagree",
                    "$BEGINDATA/$ENDDATA \(begin)–\(end) lie beyond any file; the HEADER's DATA offsets were used",
                    offset: beginEntry.offset, keyword: "$BEGINDATA"))
            } else if begin != 0 || end != 0 {
                textCandidate = Segment(start: base + begin, end: base + end)
            }
        }
        guard let anyCandidate = headerCandidate ?? textCandidate else {
            throw FCSError(.missingKeyword, offset: base + 26, keyword: "$BEGINDATA",
                           expected: "DATA offsets in the HEADER or in $BEGINDATA/$ENDDATA", found: "neither")
        }

        // Widths that are not whole bytes ($PnB 10): 16-bit words, if the DATA length says so.
        if layout.fields.contains(where: { $0.type == .integer && $0.byteWidth == 0 }) {
            let odd = parameters.first { $0.storedType == .integer && $0.bits % 8 != 0 }
            layout = try wordLayout(layout, parameters: parameters, keywords: keywords,
                                    candidates: [headerCandidate, textCandidate].compactMap { $0 }, text: text, odd: odd)
            repairs.append(Repair("bits_in_16bit_words",
                "$PnB \(odd?.bits ?? 0) is not a whole number of bytes; values were read as 16-bit words, which the DATA length confirms",
                keyword: "$P\(odd?.index ?? 0)B"))
        }

        // Event count: $TOT, checked against the file before anything is allocated.
        let totEntry = keywords.entry("$TOT")
        var events: Int?
        if let totEntry {
            guard let tot = Int(totEntry.value.trimmingSpaces), tot >= 0 else {
                throw FCSError(.badKeywordValue, offset: totEntry.offset, keyword: totEntry.key,
                               expected: "a whole number of events", found: "'\(totEntry.value)'")
            }
            if layout.bytesPerEvent > 0 {
                let (_, overflow) = tot.multipliedReportingOverflow(by: layout.bytesPerEvent)
                if overflow {
                    throw FCSError(.eventCountTooLarge, offset: totEntry.offset, keyword: totEntry.key,
                                   expected: "at most \(bytes.count / layout.bytesPerEvent) events of \(layout.bytesPerEvent) bytes in a \(bytes.count)-byte file",
                                   found: "\(tot) events")
                }
            } else if tot > bytes.count {
                throw FCSError(.eventCountTooLarge, offset: totEntry.offset, keyword: totEntry.key,
                               expected: "no more events than bytes in the file", found: "\(tot) events")
            }
            events = tot
        } else if header.version.hasPrefix("3") {
            throw FCSError(.missingKeyword, keyword: "$TOT", expected: "the required keyword $TOT (number of events)")
        }
        // Below Int.max (checked above), and every candidate length is far below it: `length - 1 == expected`
        // is the overflow-free form of `length == expected + 1`.
        let expectedLength = events.flatMap { layout.bytesPerEvent > 0 ? $0 * layout.bytesPerEvent : nil }

        func fit(_ candidate: Segment) -> Fit {
            if candidate.start >= bytes.count, let expectedLength, candidate.length == expectedLength || candidate.length - 1 == expectedLength {
                // DATA of exactly the declared size, wholly past the end: the file was cut short.
                return .outOfBounds(FCSError(.truncated, offset: bytes.count,
                    expected: "DATA at bytes \(candidate.start)–\(candidate.end)",
                    found: "the file ends after \(bytes.count) bytes"))
            }
            if candidate.start < base + FCSHeader.size || candidate.start >= bytes.count {
                return .outOfBounds(FCSError(.segmentOutOfBounds, offset: candidate.start,
                    expected: "DATA to start after the HEADER and inside the file (\(bytes.count) bytes)",
                    found: "a start at byte \(candidate.start)"))
            }
            if candidate.overlaps(text) && candidate.end >= candidate.start {
                return .outOfBounds(FCSError(.segmentsOverlap, offset: candidate.start,
                    expected: "DATA apart from TEXT (bytes \(text.start)–\(text.end))",
                    found: "DATA at bytes \(candidate.start)–\(candidate.end)"))
            }
            let length = candidate.length
            if let expectedLength {
                if length == expectedLength, candidate.end < bytes.count { return .exact }
                if length - 1 == expectedLength, candidate.end <= bytes.count { return .endOffByOne }
                if candidate.end >= bytes.count, length >= expectedLength {
                    return .outOfBounds(FCSError(.truncated, offset: bytes.count,
                        expected: "DATA to end at byte \(candidate.end)",
                        found: "the file ends after \(bytes.count) bytes"))
                }
                return .lengthMismatch(length)
            }
            if candidate.end >= bytes.count {
                return .outOfBounds(FCSError(.truncated, offset: bytes.count,
                    expected: "DATA to end at byte \(candidate.end)", found: "the file ends after \(bytes.count) bytes"))
            }
            return .exact
        }

        let candidates = [("HEADER", headerCandidate), ("TEXT", textCandidate)].compactMap { name, segment in
            segment.map { (name: name, segment: $0, fit: fit($0)) }
        }
        let fitting = candidates.filter { $0.fit == .exact || $0.fit == .endOffByOne }
        var chosen: (name: String, segment: Segment, fit: Fit)
        if fitting.count == 2 && fitting[0].segment.start != fitting[1].segment.start {
            switch options.offsetPreference {
            case .strict:
                throw FCSError(.ambiguousDataOffsets, offset: fitting[0].segment.start, keyword: "$BEGINDATA",
                    expected: "HEADER and TEXT to agree on the DATA offsets",
                    found: "HEADER \(fitting[0].segment.start)–\(fitting[0].segment.end), TEXT \(fitting[1].segment.start)–\(fitting[1].segment.end), both holding $TOT events (choose with the header/text offset preference)")
            case .header: chosen = fitting[0]
            case .text: chosen = fitting[1]
            }
            repairs.append(Repair("data_offsets_disagree",
                "HEADER and TEXT give different DATA offsets that both fit; the \(chosen.name) ones were taken as asked",
                offset: chosen.segment.start, keyword: "$BEGINDATA"))
        } else if let best = fitting.first(where: { $0.fit == .exact }) ?? fitting.first {
            chosen = best
            if let other = candidates.first(where: { $0.segment != best.segment }), other.segment.start != best.segment.start {
                repairs.append(Repair("data_offsets_disagree",
                    "\(other.name) puts DATA at bytes \(other.segment.start)–\(other.segment.end), which does not hold $TOT events; the \(best.name) offsets \(best.segment.start)–\(best.segment.end) do and were used",
                    offset: other.segment.start, keyword: "$BEGINDATA"))
            }
        } else {
            // Nothing fits: report the most telling problem. A segment of the right length that runs past the
            // end is a truncated file; otherwise a $TOT larger than the file is the corrupt value.
            if let cut = candidates.first(where: { if case .outOfBounds(let e) = $0.fit { return e.code == .truncated } else { return false } }),
               case .outOfBounds(let error) = cut.fit, cut.segment.length >= (expectedLength ?? 0) {
                throw error
            }
            if let expectedLength, expectedLength > bytes.count, let totEntry {
                throw FCSError(.eventCountTooLarge, offset: totEntry.offset, keyword: totEntry.key,
                               expected: "at most \(bytes.count / max(layout.bytesPerEvent, 1)) events of \(layout.bytesPerEvent) bytes in a \(bytes.count)-byte file",
                               found: "\(events ?? 0) events")
            }
            let first = candidates.first { $0.name == "TEXT" } ?? candidates[0]
            switch first.fit {
            case .outOfBounds(let error): throw error
            case .lengthMismatch(let length):
                throw FCSError(.dataLengthMismatch, offset: first.segment.start, keyword: "$TOT",
                    expected: "\(events ?? 0) events × \(layout.bytesPerEvent) bytes = \(expectedLength ?? 0) bytes of DATA",
                    found: "\(length) bytes at \(first.segment.start)–\(first.segment.end) (\(first.name))")
            default:
                throw FCSError(.dataLengthMismatch, offset: anyCandidate.start, expected: "DATA offsets that fit $TOT")
            }
        }
        var data = chosen.segment
        if chosen.fit == .endOffByOne {
            data.end -= 1
            repairs.append(Repair("data_end_off_by_one",
                "the \(chosen.name) DATA end points one byte past the DATA; the segment was read as \(data.start)–\(data.end)",
                offset: data.end + 1))
        }
        if events == nil {
            guard layout.bytesPerEvent == 0 || data.length % layout.bytesPerEvent == 0 else {
                throw FCSError(.dataLengthMismatch, offset: data.start, keyword: "$TOT",
                               expected: "a DATA length that is a multiple of \(layout.bytesPerEvent) bytes per event",
                               found: "\(data.length) bytes")
            }
            events = layout.bytesPerEvent == 0 ? 0 : data.length / layout.bytesPerEvent
            repairs.append(Repair("missing_tot", "$TOT is absent (allowed in FCS 2.0); \(events ?? 0) events were counted from the DATA length",
                                  keyword: "$TOT"))
        }
        return ResolvedData(data: data, events: events ?? 0, repairs: repairs)
    }

    /// The layout with every integer field in a 16-bit word, if `$TOT × $PAR × 2` is the DATA length.
    private func wordLayout(_ layout: DataLayout, parameters: [Parameter], keywords: Keywords,
                            candidates: [Segment], text: Segment, odd: Parameter?) throws -> DataLayout {
        let key = "$P\(odd?.index ?? 0)B"
        let unsupported = FCSError(.unsupportedBitWidth, offset: keywords.entry(key)?.offset, keyword: key,
                                   expected: "8, 16, 24, 32 or 64 bits, or values stored in 16-bit words ($TOT × $PAR × 2 = DATA length)",
                                   found: "\(odd?.bits ?? 0) bits")
        guard parameters.allSatisfy({ $0.storedType == .integer && $0.bits <= 16 }),
              let tot = keywords["$TOT"].flatMap({ Int($0.trimmingSpaces) }) else { throw unsupported }
        let (length, overflow) = tot.multipliedReportingOverflow(by: parameters.count * 2)
        guard !overflow, candidates.contains(where: { $0.length == length || $0.length - 1 == length }) else { throw unsupported }
        var words = layout
        for i in words.fields.indices {
            words.fields[i].byteWidth = 2
            words.fields[i].offsetInEvent = 2 * i
        }
        words.bytesPerEvent = 2 * parameters.count
        return words
    }
}
