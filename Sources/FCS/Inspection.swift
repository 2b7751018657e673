/// What `flowstudy inspect` reports about one file: its data sets, their channels, spillover and repairs.
///
/// The JSON form (`inspect --json`) follows `docs/inspect.schema.json`; keys are snake_case and stable.
public struct Inspection: Codable, Equatable, Sendable {
    /// One channel row.
    public struct Channel: Codable, Equatable, Sendable {
        /// 1-based parameter number.
        public var index: Int
        /// `$PnN`.
        public var name: String
        /// `$PnS`, when present and not blank.
        public var marker: String?
        /// `$PnB`.
        public var bits: Int
        /// `$PnR` as written.
        public var range: String
        /// `$PnE` as written.
        public var amplification: String?
        /// `$PnG`.
        public var gain: Double?
        /// I, F, D or A.
        public var storedType: String
    }

    /// The spillover matrix, when the file has one.
    public struct SpilloverSummary: Codable, Equatable, Sendable {
        /// The spillover keyword used.
        public var keyword: String
        /// Channel names as written.
        public var channels: [String]?
        /// Number of channels.
        public var size: Int
    }

    /// One keyword.
    public struct Keyword: Codable, Equatable, Sendable {
        /// The keyword as written.
        public var key: String
        /// Its value.
        public var value: String
        /// TEXT, STEXT or ANALYSIS.
        public var segment: String
    }

    /// One data set.
    public struct DataSet: Codable, Equatable, Sendable {
        /// 1-based position in the `$NEXTDATA` chain.
        public var dataSet: Int
        /// FCS version from the HEADER.
        public var version: String
        /// `$CYT`, else the acquisition software.
        public var cytometer: String?
        /// `$DATE` as written.
        public var date: String?
        /// Number of events.
        public var events: Int
        /// Number of parameters.
        public var parameters: Int
        /// `$DATATYPE`.
        public var dataType: String?
        /// `$BYTEORD`.
        public var byteOrder: String?
        /// `$TIMESTEP` when it is a number.
        public var timestep: Double?
        /// The channel table.
        public var channels: [Channel]
        /// The spillover matrix, when readable.
        public var spillover: SpilloverSummary?
        /// Why a spillover keyword could not be read.
        public var spilloverError: String?
        /// What the reader repaired.
        public var repairs: [Repair]
        /// Number of ANALYSIS keywords.
        public var analysisKeywords: Int
        /// Every keyword, with `--keywords`.
        public var keywords: [Keyword]?
    }

    /// The file as given.
    public var file: String
    /// Bytes on disk.
    public var bytes: Int
    /// Whether the file was gzip-compressed.
    public var compressed: Bool
    /// The data sets in `$NEXTDATA` order.
    public var dataSets: [DataSet]

    /// Builds the report; `keywords` adds every TEXT, STEXT and ANALYSIS keyword.
    public init(_ file: FCSFile, keywords includeKeywords: Bool = false) {
        self.file = file.path
        bytes = file.byteCount
        compressed = file.wasCompressed
        dataSets = file.dataSets.map { sample in
            var spillover: SpilloverSummary?
            var spilloverError: String?
            do {
                spillover = try sample.spillover().map { SpilloverSummary(keyword: $0.keyword, channels: $0.channels, size: $0.size) }
            } catch {
                spilloverError = "\(error)"
            }
            let events = sample.keywords["$TOT"].flatMap { Int($0.trimmingSpaces) } ?? sample.eventCount
            return DataSet(
                dataSet: sample.dataSet, version: sample.version, cytometer: sample.cytometer, date: sample.keywords["$DATE"],
                events: sample.columns.isEmpty ? events : sample.eventCount, parameters: sample.parameters.count,
                dataType: sample.keywords["$DATATYPE"], byteOrder: sample.keywords["$BYTEORD"], timestep: sample.timestep,
                channels: sample.parameters.map {
                    Channel(index: $0.index, name: $0.name, marker: $0.marker, bits: $0.bits, range: $0.rangeText,
                            amplification: $0.amplificationText, gain: $0.gain, storedType: $0.storedType.rawValue)
                },
                spillover: spillover, spilloverError: spilloverError, repairs: sample.repairs,
                analysisKeywords: sample.analysis.count,
                keywords: includeKeywords
                    ? (sample.keywords.entries + sample.analysis.entries).map { Keyword(key: $0.key, value: $0.value, segment: $0.source.rawValue) }
                    : nil)
        }
    }

    /// The widest a table cell or keyword name is shown in ``text`` (JSON keeps every value whole).
    public static let cellWidth = 40
    /// The widest a keyword value is shown in ``text``.
    public static let valueWidth = 200

    /// `value` cut to `width` characters with an ellipsis and its full length, so one huge keyword cannot
    /// pad every row of the table to its size.
    static func cell(_ value: String, width: Int) -> String {
        let shown = value.prefix(width + 1)
        guard shown.count > width else { return value }
        return shown.prefix(width - 1) + "… (\(value.count) characters)"
    }

    /// A plain-text report for a terminal: long values cut (see ``cell(_:width:)``).
    public var text: String {
        var lines: [String] = ["\(file)  (\(bytes) bytes\(compressed ? ", gzip" : ""), \(dataSets.count) data set\(dataSets.count == 1 ? "" : "s"))"]
        for set in dataSets {
            lines.append("")
            lines.append("data set \(set.dataSet): FCS \(set.version), \(set.events) events × \(set.parameters) parameters, $DATATYPE \(set.dataType ?? "?"), $BYTEORD \(set.byteOrder ?? "?")")
            lines.append("  cytometer: \(set.cytometer ?? "unknown")" + (set.date.map { "   date: \($0)" } ?? "")
                         + (set.timestep.map { "   $TIMESTEP: \(numberText($0))" } ?? ""))
            let rows = [["#", "$PnN", "$PnS", "bits", "range", "$PnE", "gain", "type"]] + set.channels.map {
                ["\($0.index)", $0.name, $0.marker ?? "", "\($0.bits)", $0.range.trimmingSpaces, $0.amplification?.trimmingSpaces ?? "",
                 $0.gain.map { numberText($0) } ?? "", $0.storedType].map { Self.cell($0, width: Self.cellWidth) }
            }
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                lines.append("  " + zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                    .trimmingTrailingSpaces)
            }
            if let spill = set.spillover {
                lines.append("  spillover: \(spill.keyword), \(spill.size)×\(spill.size)" + (spill.channels.map { " (\($0.joined(separator: ", ")))" } ?? ""))
            } else if let error = set.spilloverError {
                lines.append("  spillover: invalid — \(error)")
            } else {
                lines.append("  spillover: none")
            }
            if set.analysisKeywords > 0 { lines.append("  ANALYSIS: \(set.analysisKeywords) keywords") }
            if set.repairs.isEmpty {
                lines.append("  repairs: none")
            } else {
                lines.append("  repairs:")
                for repair in set.repairs { lines.append("    - \(repair)") }
            }
            if let keywords = set.keywords {
                lines.append("  keywords:")
                for keyword in keywords {
                    lines.append("    \(Self.cell(keyword.key, width: Self.cellWidth)) = \(Self.cell(keyword.value, width: Self.valueWidth))"
                                 + (keyword.segment == "TEXT" ? "" : "   [\(keyword.segment)]"))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = Substring(self)
        while copy.last == " " { copy.removeLast() }
        return String(copy)
    }
}
