import Foundation
import Testing
import TestSupport
@testable import FCS

/// Every file of `../shared/fcs-corpus` against the reference reading made by FlowIO 1.4.0 (cross-checked by
/// fcsparser), with the tolerances of the corpus README: keywords, counts, offsets and first/last events exact,
/// channel sums to 1e-6 relative, minima and maxima exact.
@Suite("FCS corpus: real files from many cytometers", .needsShared)
struct CorpusTests {
    static let names: [String] = {
        guard let folder = SharedData.url("fcs-corpus/files"),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.sorted()
    }()

    @Test("../shared/fcs-corpus is present")
    func corpusPresent() throws {
        #expect(Self.names.count >= 35)
    }

    @Test("reads like the reference parsers", arguments: names)
    func matchesReference(name: String) throws {
        let path = SharedData.url("fcs-corpus/files/\(name)")!.path
        let expected = try #require(try SharedData.json("fcs-corpus/expected/\(name).json") as? [String: Any])

        if expected["flowio_error"] != nil {
            // Both reference readers reject these files (10 bytes of garbage; a header-only sample): a typed error.
            #expect(throws: FCSError.self) { _ = try FCSFile.read(path) }
            return
        }
        var options = FCSReadOptions()
        if let flowio = expected["flowio_options"] as? [String: Bool], flowio["use_header_offsets"] == true {
            // HEADER and TEXT disagree and both fit $TOT: strict reading refuses, naming the problem…
            do {
                _ = try FCSFile.read(path)
                Issue.record("expected ambiguous DATA offsets in \(name)")
            } catch let error as FCSError {
                #expect(error.code == .ambiguousDataOffsets)
                #expect(error.file == path)
            }
            // …and the reader takes the HEADER when asked, as the reference did.
            options.offsetPreference = .header
        }
        let file = try FCSFile.read(path, options: options)
        #expect(file.dataSets.count == expected["n_datasets"] as? Int)
        try compare(file.dataSets[0], expected, name: name)
        let others = expected["other_datasets"] as? [[String: Any]] ?? []
        for (index, other) in others.enumerated() {
            try compare(file.dataSets[index + 1], other, name: "\(name) data set \(index + 2)")
        }
    }

    func compare(_ sample: Sample, _ expected: [String: Any], name: String) throws {
        #expect(sample.version == expected["version"] as? String, "\(name): version")
        #expect(sample.parameters.count == expected["par"] as? Int, "\(name): $PAR")
        if let tot = expected["tot"] as? Int { #expect(sample.keywords["$TOT"].flatMap { Int($0.trimmingSpaces) } == tot) }
        #expect(sample.keywords["$DATATYPE"] == expected["datatype"] as? String, "\(name): $DATATYPE")
        #expect(sample.keywords["$BYTEORD"] == expected["byteord"] as? String, "\(name): $BYTEORD")

        if let offsets = expected["header_offsets"] as? [String: Any] {
            func value(_ key: String) -> Int? { offsets[key] as? Int }
            #expect((sample.header.text?.start ?? 0) == (value("text_start") ?? 0), "\(name): HEADER text start")
            #expect((sample.header.text?.end ?? 0) == (value("text_end") ?? 0), "\(name): HEADER text end")
            #expect((sample.header.data?.start ?? 0) == (value("data_start") ?? 0), "\(name): HEADER data start")
            #expect((sample.header.data?.end ?? 0) == (value("data_end") ?? 0), "\(name): HEADER data end")
        }

        // Keywords, compared case-insensitively against fcsparser's verbatim split (keys with `$` kept).
        if let raw = expected["text_raw"] as? [String: String] {
            let garbled = (expected["fcsparser_notes"] as? [String] ?? []).joined()
            for (key, value) in raw {
                // CellQuest/Attune empty values merge keys differently in every reader: not comparable.
                if key.contains("/") || key.contains("\\") || value.contains("$") && garbled.contains("empty") { continue }
                guard let ours = sample.keywords[key] else {
                    if sample.analysis[key] != nil { continue }
                    Issue.record("\(name): keyword \(key) missing")
                    continue
                }
                #expect(ours == value, "\(name): keyword \(key)")
            }
        }

        // Channels
        let channels = expected["channels"] as? [[String: Any]] ?? []
        for (parameter, channel) in zip(sample.parameters, channels) {
            #expect(parameter.name == channel["n"] as? String, "\(name): $P\(parameter.index)N")
            let marker = channel["s"] as? String
            #expect(parameter.marker == (marker?.trimmingSpaces.isEmpty == false ? marker : nil), "\(name): $P\(parameter.index)S")
            #expect(parameter.bits == channel["b"] as? Int, "\(name): $P\(parameter.index)B")
            #expect(parameter.rangeText == channel["r"] as? String, "\(name): $P\(parameter.index)R")
            #expect(parameter.amplificationText == channel["e"] as? String, "\(name): $P\(parameter.index)E")
        }

        // Spillover
        if let spill = expected["spillover"] as? [String: Any] {
            if spill["error"] != nil {
                #expect(throws: FCSError.self) { _ = try sample.spillover() }
            } else {
                let ours = try #require(try sample.spillover(), "\(name): spillover")
                #expect(ours.keyword.uppercased().replacingOccurrences(of: "$", with: "") == (spill["keyword"] as? String)?.uppercased())
                #expect(ours.channels == spill["channels"] as? [String], "\(name): spillover channels")
                let theirs = try #require(spill["matrix"] as? [[Double]])
                #expect(ours.matrix.count == theirs.count)
                for (a, b) in zip(ours.matrix.joined(), theirs.joined()) {
                    #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-15), "\(name): spillover coefficient")
                }
            }
        } else if let raw = expected["text_raw"] as? [String: String], raw.keys.contains(where: { $0.uppercased().hasPrefix("$DFC") }) {
            // FCS 2.0 Beckman files: the reference readers ignore $DFCiTOj; check the matrix against the keywords.
            let ours = try #require(try sample.spillover(), "\(name): $DFC spillover")
            for (key, value) in raw where key.uppercased().hasPrefix("$DFC") {
                let numbers = key.uppercased().dropFirst(4).components(separatedBy: "TO").compactMap { Int($0) }
                guard numbers[0] != numbers[1] else { continue }
                #expect(ours.matrix[numbers[0] - 1][numbers[1] - 1] == Double(value)! / 100, "\(name): \(key)")
            }
            #expect(ours.channels?.first == "FL1")
        } else {
            #expect(try sample.spillover() == nil, "\(name): no spillover")
        }
        if let analysisCount = expected["analysis_keywords"] as? Int, analysisCount > 0 {
            #expect(sample.analysis.count == analysisCount, "\(name): ANALYSIS keywords")
        }

        // Events
        guard let count = expected["n_events_parsed"] as? Int else { return }
        #expect(sample.eventCount == count, "\(name): events")
        // The reference JSON prints Float32 values with 16 significant digits, so they are compared after
        // rounding back to Float32 (exact at the precision the file holds); integers and doubles exactly.
        func same(_ ours: Double, _ theirs: Double, _ kind: ChannelValues.Kind) -> Bool {
            if ours.isNaN && theirs.isNaN { return true }
            return kind == .float32 ? Float(ours) == Float(theirs)
                : kind == .float64 ? ours.isApproximatelyEqual(to: theirs, relativeTolerance: 4e-16) : ours == theirs
        }
        func check(event: Int, _ values: [Double]) {
            let matches = zip(sample.columns, values).allSatisfy { same($0[event], $1, $0.kind) }
            #expect(matches && values.count == sample.columns.count,
                    "\(name): event \(event + 1): \(sample.columns.map { $0[event] }) vs \(values)")
        }
        if let first = expected["events_first"] as? [[Double]] {
            for (i, values) in first.enumerated() { check(event: i, values) }
        }
        if let last = expected["events_last"] as? [[Double]] {
            for (i, values) in last.enumerated() { check(event: count - last.count + i, values) }
        }
        func numbers(_ key: String) -> [Double] {
            (expected[key] as? [Any] ?? []).map { item in
                if let number = item as? Double { return number }
                switch item as? String {
                case "NaN": return .nan
                case "Infinity", "inf": return .infinity
                case "-Infinity", "-inf": return -.infinity
                default: return .nan
                }
            }
        }
        let sums = numbers("channel_sum"), minima = numbers("channel_min"), maxima = numbers("channel_max")
        for (index, column) in sample.columns.enumerated() where index < sums.count {
            let values = column.doubles()
            let sum = values.reduce(0, +)
            #expect(sum.isApproximatelyEqual(to: sums[index], relativeTolerance: 1e-6), "\(name): sum of channel \(index + 1)")
            if let low = values.min(), let high = values.max() {
                #expect(same(low, minima[index], column.kind), "\(name): min of channel \(index + 1)")
                #expect(same(high, maxima[index], column.kind), "\(name): max of channel \(index + 1)")
            }
        }
    }
}
