import Foundation
import Testing
import TestSupport
@testable import FCS

/// The quirks of `../shared/fcs-corpus/PITFALLS.md`, each on the corpus file that shows it: handled as the
/// established readers handle it, and every repair recorded on the sample.
@Suite("PITFALLS.md: real-world quirks", .needsShared)
struct PitfallTests {
    func corpus(_ name: String, _ options: FCSReadOptions = .strict) throws -> FCSFile {
        let url = try #require(SharedData.url("fcs-corpus/files/\(name)"), Comment(rawValue: SharedData.skipMessage))
        return try FCSFile.read(url.path, options: options)
    }

    @Test("1. DATA end off by one: read one byte shorter, recorded")
    func dataEndOffByOne() throws {
        for name in ["cytoflow__Partec_PAS.FCS", "fcsparser__MACSQuant_Duplicate_Names.fcs", "flowkit__test_comp_example.fcs"] {
            let sample = try corpus(name).dataSets[0]
            #expect(sample.repairs.map(\.code).contains("data_end_off_by_one"), "\(name)")
        }
        #expect(try corpus("flowio__coulter.lmd").dataSets[0].repairs.map(\.code).contains("data_end_off_by_one"))
    }

    @Test("2. HEADER and TEXT disagree: the candidate holding $TOT events wins, recorded")
    func offsetsDisagree() throws {
        let sample = try corpus("flowio__data_start_offset_discrepancy_example.fcs").dataSets[0]
        #expect(sample.repairs.map(\.code).contains("data_offsets_disagree"))
        #expect(sample.eventCount == 2)
        var options = FCSReadOptions()
        options.offsetPreference = .header
        let cyan = try corpus("cytoflow__BC_Cyan.fcs", options).dataSets[0]
        // The Cyan's event-count channel goes up by one from event to event when the HEADER offsets are used.
        let counter = try cyan.values("Event Count").doubles()
        #expect(zip(counter.prefix(100), counter.dropFirst().prefix(100)).allSatisfy { $1 - $0 == 1 })
    }

    @Test("4–5. zero-padded offsets, TEXT end past the final delimiter (space or NUL pad)")
    func paddedOffsetsAndText() throws {
        #expect(try corpus("cytoflow__Attune.fcs").dataSets[0].repairs.map(\.code).contains("text_end_past_delimiter"))
        #expect(try corpus("flowkit__test_comp_example.fcs").dataSets[0].repairs.map(\.code).contains("text_end_past_delimiter"))
    }

    @Test("6, 9. a truncated header-only file and a 10-byte file fail with typed errors")
    func truncated() throws {
        #expect { try corpus("fcsparser__cytek_nl_2000_sample_header.fcs") } throws: { ($0 as? FCSError)?.code == .truncated }
        #expect { try corpus("fcsparser__corrupted.fcs") } throws: { ($0 as? FCSError)?.code == .truncated }
    }

    @Test("6. a TEXT segment without its final delimiter is read to its end, recorded")
    func noFinalDelimiter() throws {
        var bytes = FCSFixture.integerBytes(keywords: [("$P1N", "FSC"), ("$P1B", "16"), ("$P1R", "1024"), ("$P1E", "0,0"), ("$FIL", "last")],
                                            columns: [[1, 2]])
        let textEnd = Int(String(decoding: bytes[18..<26], as: UTF8.self).trimmingSpaces)!
        bytes[textEnd] = 0x20  // the final '/' becomes a pad: the TEXT no longer ends with its delimiter
        let sample = try FCSFile.read(bytes: bytes).dataSets[0]
        #expect(sample.keywords["$FIL"] == "last")
        #expect(sample.repairs.map(\.code).contains("text_without_final_delimiter"))
    }

    @Test("8. ANALYSIS segment keywords are read")
    func analysis() throws {
        #expect(try corpus("cytoflow__Partec_PAS.FCS").dataSets[0].analysis.count == 155)
    }

    @Test("10–11. form feed, backslash and pipe delimiters; a doubled delimiter is a literal")
    func delimiters() throws {
        #expect(try corpus("fcsparser__Fortessa_FCS3.0.fcs").dataSets[0].eventCount == 11585)
        let macs = try corpus("fcsparser__MACSQuant_Duplicate_Names.fcs").dataSets[0]
        #expect(macs.keywords["$P8S"] == "GFP/FITC-A")
        #expect(Set(macs.parameters.map(\.name)).count == macs.parameters.count)
    }

    @Test("12. CellQuest empty values: the required keywords survive")
    func emptyValues() throws {
        let sample = try corpus("flowio__data1.fcs").dataSets[0]
        #expect(sample.parameters.count == 8)
        #expect(sample.eventCount == 13367)
    }

    @Test("13. Latin-1 bytes are kept (CELLQuestª), recorded")
    func latin1() throws {
        let sample = try corpus("flowcore__060909.001").dataSets[0]
        #expect(sample.keywords["CREATOR"] == "CELLQuestª 3.3")
        #expect(sample.repairs.map(\.code).contains("latin1_text"))
    }

    @Test("14, 29. keys are case-insensitive; only a leading $ marks a standard keyword")
    func keywordCase() throws {
        let sample = try corpus("catalyst__raw_01.fcs").dataSets[0]
        #expect(sample.keywords["$par"] == sample.keywords["$PAR"])
        #expect(sample.keywords["flowCore_$P1Rmax"] != nil)
        #expect(sample.parameters[0].rangeText == sample.keywords["$P1R"])
        #expect(sample.keywords["flowCore_$P1Rmax"] != sample.keywords["$P1R"])
    }

    @Test("15–16. integer bitmask from $PnR rounded up to a power of two; 2^32 needs 64-bit arithmetic")
    func bitmask() throws {
        let navios = try corpus("fcsparser__fake_bitmask_error.lmd").dataSets[0]
        #expect(navios.columns.allSatisfy { ($0.doubles().max() ?? 0) <= 1023 })
        let astrios = try corpus("cytoflow__BC_MoFlo_Astrios_linear.fcs").dataSets[0]
        #expect(astrios.parameters[0].range == 4_294_967_296)
        #expect(FCSReader.bitmask(bits: 32, range: 4_294_967_296) == 0xFFFF_FFFF)
        #expect(FCSReader.bitmask(bits: 32, range: 163_178) == 0x3FFFF)
        #expect(FCSReader.bitmask(bits: 16, range: 1024) == 1023)
    }

    @Test("17. three-byte integers ($PnB 24)")
    func threeByteIntegers() throws {
        let sample = try corpus("fcsparser__Cytek_xP5.fcs").dataSets[0]
        #expect(sample.parameters.allSatisfy { $0.bits == 24 })
        #expect(sample.columns[0].kind == .uint32)
    }

    @Test("21. an unreadable $TIMESTEP is treated as missing")
    func timestep() throws {
        #expect(try corpus("flowio__variable_int_example.fcs").dataSets[0].timestep == nil)
    }

    @Test("22. Beckman LMD: an FCS 2.0 data set followed by an FCS 3.0 copy")
    func lmdDataSets() throws {
        let file = try corpus("cytoflow__BC_Gallios.LMD")
        #expect(file.dataSets.map(\.version) == ["2.0", "3.0"])
        #expect(file.dataSets[0].eventCount == file.dataSets[1].eventCount)
    }

    @Test("24–25. SPILL without $, $SPILLOVER on Accuri")
    func spilloverSpellings() throws {
        #expect(try corpus("fcsparser__Fortessa_FCS3.0.fcs").dataSets[0].spillover()?.keyword == "SPILL")
        #expect(try corpus("flowio__B01_KC-A-W---91-US.fcs").dataSets[0].spillover()?.keyword == "$SPILLOVER")
    }

    @Test("28. float data is never masked against $PnR (CyTOF Time beyond $PnR 1024)")
    func floatsUnmasked() throws {
        let sample = try corpus("catalyst__raw_01.fcs").dataSets[0]
        let time = try #require(sample.parameterIndex("Time"))
        #expect((sample.columns[time].doubles().max() ?? 0) > 9000)
        #expect(sample.parameters.allSatisfy { $0.marker == nil })  // every $PnS is a single space
    }

    @Test("32. no $CYT: the instrument comes from CREATOR")
    func noCytometer() throws {
        let sample = try corpus("flowsom__68983.fcs").dataSets[0]
        #expect(sample.keywords["$CYT"] == nil)
        #expect(sample.cytometer?.contains("FACSDiva") == true)
    }
}
