import Testing
@testable import FCS

/// `export --channels`: which parameters a user's words name (``Sample/parameterIndices(selecting:)``).
@Suite("Choosing channels by name")
struct ChannelSelectionTests {
    static let sample = Sample(file: "t.fcs", keywords: Keywords(),
                               parameters: [Parameter(index: 1, name: "FSC-A"), Parameter(index: 2, name: "BV421-A", marker: "CD14"),
                                            Parameter(index: 3, name: "FL1,log"), Parameter(index: 4, name: "PE-A", marker: "cd163"),
                                            Parameter(index: 5, name: "pe-a2", marker: "CD163")],
                               columns: (1...5).map { _ in ChannelValues([Float(1)]) })

    @Test("lists split at commas and spaces; $PnN, then $PnS; case ignored when it names one parameter")
    func selecting() throws {
        #expect(try Self.sample.parameterIndices(selecting: []) == [0, 1, 2, 3, 4])
        #expect(try Self.sample.parameterIndices(selecting: ["FSC-A,CD14"]) == [0, 1])
        #expect(try Self.sample.parameterIndices(selecting: ["fsc-a  bv421-a"]) == [0, 1])
        // A channel whose name holds a comma is taken whole when it is named exactly.
        #expect(try Self.sample.parameterIndices(selecting: ["FL1,log", "cd14"]) == [2, 1])
        // Exact $PnS first: "CD163" is parameter 5's; "Cd163" ignoring case names two markers.
        #expect(try Self.sample.parameterIndices(selecting: ["CD163"]) == [4])
    }

    @Test("an ambiguous name, an unknown one and a channel named twice are FCSErrors naming the word")
    func refused() {
        func error(_ words: [String]) -> FCSError? {
            do { _ = try Self.sample.parameterIndices(selecting: words); return nil } catch { return error as? FCSError }
        }
        #expect(error(["Cd163"])?.keyword == "Cd163" && error(["Cd163"])?.expected.contains("PE-A, pe-a2") == true)
        #expect(error(["CD99"])?.code == .unknownChannel && error(["CD99"])?.keyword == "CD99")
        #expect(error(["CD14", "bv421-a"])?.expected == "each channel once, found BV421-A named twice")
    }
}
