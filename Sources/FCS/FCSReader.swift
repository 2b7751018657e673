/// Reads FCS 2.0, 3.0, 3.1 and 3.2 files: HEADER, TEXT (and supplemental TEXT), ANALYSIS and list-mode DATA,
/// following `$NEXTDATA` through every data set.
///
/// The reader works on the mapped file: TEXT is tokenized in place and DATA is transposed straight into
/// per-channel columns. Nothing in the file is trusted before it is checked against the file's size, so a
/// corrupt `$TOT` or offset fails fast, before any large allocation.
struct FCSReader {
    let bytes: FileBytes
    let name: String
    let options: FCSReadOptions

    init(path: String, options: FCSReadOptions, onDiskBytes: ((UnsafeRawBufferPointer) -> Void)? = nil) throws {
        self.init(bytes: try FileBytes.open(path, options: options, onDiskBytes: onDiskBytes), name: path, options: options)
    }

    init(bytes: FileBytes, name: String, options: FCSReadOptions) {
        self.bytes = bytes
        self.name = name
        self.options = options
    }

    /// Everything needed to decode one data set, found before any event is read.
    struct Plan {
        var sample: Sample
        var layout: DataLayout
        var events: Int
        /// Bytes read as keywords: TEXT, and supplemental TEXT and ANALYSIS when they were read.
        var keywordBytes: Int
        var data: Segment
        /// Absolute offset of the next data set's HEADER, if the chain goes on.
        var next: Int?
    }

    func readAll() throws -> FCSFile {
        var samples: [Sample] = []
        try walkChain { plan in
            samples.append(options.readEvents ? try decode(plan) : plan.sample)
            return true
        }
        return FCSFile(path: name, byteCount: bytes.count, wasCompressed: bytes.wasCompressed, dataSets: samples)
    }

    func read(dataSet wanted: Int) throws -> Sample {
        var found: Sample?
        var seen = 0
        try walkChain { plan in
            seen += 1
            guard seen == wanted else { return true }
            found = options.readEvents ? try decode(plan) : plan.sample
            return false
        }
        guard let found else {
            throw FCSError(.noSuchDataSet, file: name, expected: "data set \(wanted)", found: "\(seen) data set(s)")
        }
        return found
    }

    /// Visits the data sets in `$NEXTDATA` order until `visit` returns false or the chain ends.
    /// A chain that loops back is an error, so the walk always terminates.
    ///
    /// Data sets follow one another, so the segments they read as keywords (TEXT, supplemental TEXT, ANALYSIS)
    /// add up to at most the file's size, and so do their DATA segments. A chain past that shares bytes between
    /// data sets: HEADERs laid back to back over one TEXT, ANALYSIS or DATA would make a 1 MB file read as
    /// thousands of copies of it (gigabytes of keywords). It is refused at the first data set that passes the
    /// file's size (the error's offset is that data set's HEADER), so all data sets together read at most the
    /// file's size of keywords and of DATA.
    private func walkChain(_ visit: (Plan) throws -> Bool) throws {
        var base = 0
        var visited: Set<Int> = []
        var number = 1
        var keywordBytes = 0, dataBytes = 0
        do {
            while true {
                visited.insert(base)
                var plan = try plan(at: base, number: number)
                keywordBytes += plan.keywordBytes
                dataBytes += plan.events > 0 ? plan.data.length : 0
                if number > 1 && (keywordBytes > bytes.count || dataBytes > bytes.count) {
                    let (what, total) = keywordBytes > bytes.count ? ("TEXT, supplemental TEXT and ANALYSIS", keywordBytes) : ("DATA", dataBytes)
                    throw FCSError(.badNextData, offset: base, keyword: "$NEXTDATA",
                                   expected: "data sets that do not share bytes (their \(what) segments add up to at most the file's \(bytes.count) bytes)",
                                   found: "data set \(number), whose HEADER is at byte \(base), brings them to \(total) bytes")
                }
                guard let next = plan.next else { _ = try visit(plan); return }
                if visited.contains(next) {
                    throw FCSError(.badNextData, offset: plan.sample.keywords.entry("$NEXTDATA")?.offset,
                                   keyword: "$NEXTDATA",
                                   expected: "an offset to a data set not yet read",
                                   found: "a loop back to the data set at byte \(next)")
                }
                if next >= bytes.count || bytes.count - next < FCSHeader.size {
                    // Millipore writes $NEXTDATA = $ENDDATA + 1 on the last data set: nothing follows.
                    plan.sample.repairs.append(Repair("next_data_past_end",
                        "$NEXTDATA points to byte \(next), at or past the end of the file; the chain ends here",
                        offset: plan.sample.keywords.entry("$NEXTDATA")?.offset, keyword: "$NEXTDATA"))
                    _ = try visit(plan)
                    return
                }
                guard try visit(plan) else { return }
                base = next
                number += 1
            }
        } catch let error as FCSError {
            throw error.inFile(name)
        }
    }

    /// Decodes the events of a planned data set.
    func decode(_ plan: Plan) throws -> Sample {
        var sample = plan.sample
        bytes.advance(to: plan.data.start)
        sample.columns = try DataDecoder.decode(bytes.buffer, data: plan.data, events: plan.events, layout: plan.layout,
                                                consumed: bytes.advance(to:))
        return sample
    }

    // MARK: - One data set

    private func plan(at base: Int, number: Int) throws -> Plan {
        let buffer = bytes.buffer
        let header = try FCSHeader.parse(buffer, at: base)
        var repairs: [Repair] = []

        // TEXT
        guard let relativeText = header.text else {
            throw FCSError(.badHeaderOffset, offset: base + 10, expected: "TEXT offsets in the HEADER", found: "blank or zero")
        }
        let text = Segment(start: base + relativeText.start, end: base + relativeText.end)
        try check(text, name: "TEXT", base: base)
        let tokens = try TextTokenizer.tokenize(buffer, segment: text, name: "TEXT")
        repairs += tokens.repairs
        var keywords = Keywords()
        for pair in tokens.pairs {
            if let old = keywords.set(pair.key, pair.value, offset: pair.offset, source: .text), old != pair.value {
                repairs.append(Repair("duplicate_keyword",
                    "\(pair.key) appears twice in TEXT; the later value '\(pair.value)' was kept, '\(old)' dropped",
                    offset: pair.offset, keyword: pair.key))
            }
        }
        if tokens.usedLatin1 {
            repairs.append(Repair("latin1_text", "some TEXT values are not UTF-8 and were read as Latin-1"))
        }
        var keywordBytes = text.length
        try readSupplementalText(base: base, primary: text, into: &keywords, repairs: &repairs, read: &keywordBytes)

        // Layout and event count
        let mode = keywords["$MODE"]?.trimmingSpaces.uppercased()
        if let mode, mode != "L" {
            throw FCSError(.unsupportedMode, offset: keywords.entry("$MODE")?.offset, keyword: "$MODE",
                           expected: "L (list mode)", found: "'\(mode)'")
        } else if mode == nil {
            repairs.append(Repair("missing_mode", "$MODE is absent; list mode (L) was assumed", keyword: "$MODE"))
        }
        let parameters = try readParameters(keywords, version: header.version, repairs: &repairs)
        var layout = try makeLayout(keywords, parameters: parameters)

        // DATA
        let resolved = try resolveData(base: base, header: header, keywords: keywords, text: text,
                                       layout: &layout, parameters: parameters)
        repairs += resolved.repairs

        // ANALYSIS (never needed for events: a broken one is recorded, not fatal)
        let analysis = readAnalysis(base: base, header: header, keywords: keywords, text: text,
                                    data: resolved.data, repairs: &repairs, read: &keywordBytes)

        // $NEXTDATA
        // $NEXTDATA: 0 ends the chain; otherwise an offset relative to this data set's HEADER.
        var next: Int?
        if let entry = keywords.entry("$NEXTDATA") {
            let text = entry.value.trimmingSpaces
            guard let value = Int(text) else {
                throw FCSError(.badKeywordValue, offset: entry.offset, keyword: entry.key,
                               expected: "a byte offset", found: "'\(entry.value)'")
            }
            if value < 0 || text.hasPrefix("-") {
                throw FCSError(.badNextData, offset: entry.offset, keyword: entry.key,
                               expected: "an offset forward to a data set not yet read",
                               found: "\(text), a loop back to byte \(base + value)")
            }
            if value > 0 {
                guard value <= bytes.count - base else {
                    throw FCSError(.badNextData, offset: entry.offset, keyword: entry.key,
                                   expected: "an offset inside the \(bytes.count)-byte file", found: text)
                }
                next = base + value
            }
        }

        let sample = Sample(file: name, dataSet: number, header: header, keywords: keywords, analysis: analysis,
                            parameters: parameters, columns: [], dataSegment: resolved.data, repairs: repairs)
        return Plan(sample: sample, layout: layout, events: resolved.events, keywordBytes: keywordBytes, data: resolved.data, next: next)
    }

    /// A segment must lie after the HEADER and inside the file.
    private func check(_ segment: Segment, name segmentName: String, base: Int) throws {
        guard segment.start >= base + FCSHeader.size, segment.end >= segment.start else {
            throw FCSError(.segmentOutOfBounds, offset: segment.start,
                           expected: "\(segmentName) to start after the HEADER and end after it starts",
                           found: "bytes \(segment.start)–\(segment.end)")
        }
        guard segment.start < bytes.count else {
            throw FCSError(.segmentOutOfBounds, offset: segment.start,
                           expected: "\(segmentName) to start inside the file (\(bytes.count) bytes)",
                           found: "a start at byte \(segment.start)")
        }
        guard segment.end < bytes.count else {
            throw FCSError(.truncated, offset: bytes.count,
                           expected: "\(segmentName) to end at byte \(segment.end)",
                           found: "the file ends after \(bytes.count) bytes")
        }
    }

    /// Reads the supplemental TEXT into `keywords` (the primary TEXT wins on duplicates). Events never depend on
    /// it, so by default (``FCSReadOptions/SupplementalTextPolicy/ignore``) one that cannot be read is ignored and
    /// recorded; `strict` rethrows.
    /// Adds the keywords of the supplemental TEXT, when there is one apart from the primary TEXT, and its length to `read`.
    private func readSupplementalText(base: Int, primary: Segment, into keywords: inout Keywords, repairs: inout [Repair],
                                      read: inout Int) throws {
        guard let startEntry = keywords.entry("$BEGINSTEXT"), let endEntry = keywords.entry("$ENDSTEXT") else { return }
        do {
            let start = try offsetValue(startEntry), end = try offsetValue(endEntry)
            guard start != 0 || end != 0 else { return }
            let segment = Segment(start: base + start, end: base + end)
            // Accuri declares the primary TEXT again as supplemental.
            if segment == primary { return }
            try check(segment, name: "supplemental TEXT", base: base)
            if segment.overlaps(primary) {
                throw FCSError(.segmentsOverlap, offset: segment.start, keyword: "$BEGINSTEXT",
                               expected: "supplemental TEXT apart from the primary TEXT",
                               found: "bytes \(segment.start)–\(segment.end) overlapping \(primary.start)–\(primary.end)")
            }
            let tokens = try TextTokenizer.tokenize(bytes.buffer, segment: segment, name: "supplemental TEXT")
            read += segment.length
            repairs += tokens.repairs
            for pair in tokens.pairs {
                if keywords.contains(pair.key) {
                    repairs.append(Repair("supplemental_duplicate",
                        "\(pair.key) is in both TEXT and supplemental TEXT; the primary TEXT value was kept",
                        offset: pair.offset, keyword: pair.key))
                } else {
                    keywords.set(pair.key, pair.value, offset: pair.offset, source: .supplementalText)
                }
            }
        } catch let error as FCSError where options.supplementalText == .ignore {
            repairs.append(Repair("supplemental_text_ignored",
                "supplemental TEXT ignored (events never depend on it; --supplemental-text strict refuses it): \(error)",
                offset: error.offset ?? startEntry.offset, keyword: "$BEGINSTEXT"))
        }
    }

    /// The largest byte offset accepted from TEXT: far beyond any file, small enough that adding a data set's
    /// base and computing a segment's length can never overflow.
    static let maximumOffset = 1 << 52

    /// A byte offset from a TEXT keyword (`$BEGINDATA`, `$ENDSTEXT`…): a whole number from 0 to ``maximumOffset``.
    func offsetValue(_ entry: Keywords.Entry) throws -> Int {
        guard let value = Int(entry.value.trimmingSpaces), value >= 0, value <= Self.maximumOffset else {
            throw FCSError(.badKeywordValue, offset: entry.offset, keyword: entry.key,
                           expected: "a byte offset from 0 to \(Self.maximumOffset)", found: "'\(printable(entry.value.utf8))'")
        }
        return value
    }

    /// The ANALYSIS keywords (none when it is absent or broken, recorded); adds the length read to `read`.
    private func readAnalysis(base: Int, header: FCSHeader, keywords: Keywords, text: Segment, data: Segment,
                              repairs: inout [Repair], read: inout Int) -> Keywords {
        var segment = header.analysis.map { Segment(start: base + $0.start, end: base + $0.end) }
        if let start = keywords.entry("$BEGINANALYSIS").flatMap({ try? offsetValue($0) }),
           let end = keywords.entry("$ENDANALYSIS").flatMap({ try? offsetValue($0) }), start != 0 || end != 0 {
            segment = Segment(start: base + start, end: base + end)
        }
        guard let segment else { return Keywords() }
        var analysis = Keywords()
        do {
            try check(segment, name: "ANALYSIS", base: base)
            guard !segment.overlaps(text), !segment.overlaps(data) else {
                throw FCSError(.segmentsOverlap, offset: segment.start,
                               expected: "ANALYSIS apart from TEXT and DATA", found: "bytes \(segment.start)–\(segment.end)")
            }
            let tokens = try TextTokenizer.tokenize(bytes.buffer, segment: segment, name: "ANALYSIS")
            read += segment.length
            for pair in tokens.pairs { analysis.set(pair.key, pair.value, offset: pair.offset, source: .analysis) }
        } catch {
            repairs.append(Repair("analysis_ignored", "the ANALYSIS segment could not be read and was ignored: \(error)",
                                  offset: segment.start))
            return Keywords()
        }
        return analysis
    }
}
