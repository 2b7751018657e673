import Testing
@testable import FCS

/// An FCS 2.0 `$DFCiTOj` matrix numbers detectors FL1…FLn; a file records some of them under names such as
/// `FL1 INT LOG`. Written as `$SPILLOVER`, or to FlowJo, the matrix must name those parameters (issue 11, item 4).
@Suite("$DFC spillover named by the file's parameters")
struct DFCSpilloverTests {
    /// A Navios-like file: FS, then FL1 and FL2 recorded (log), FL3 not; FL1→FL2 13.4 %, FL2→FL1 2 %, FL1→FL3 1 %.
    static func naviosLike() -> Sample {
        var keywords = Keywords()
        for (key, value) in [("$DFC1TO2", "13.4"), ("$DFC2TO1", "2.0"), ("$DFC1TO3", "1.0"), ("$DFC3TO3", "0.0")] {
            _ = keywords.set(key, value)
        }
        let names = ["FS INT LIN", "FL1 INT LOG", "FL2 INT LOG"]
        return Sample(file: "navios.lmd", keywords: keywords,
                      parameters: names.enumerated().map { Parameter(index: $0 + 1, name: $1, bits: 32, rangeText: "1024") },
                      columns: [ChannelValues([Float(100), 200]), ChannelValues([Float(50), 60]), ChannelValues([Float(7), 80])])
    }

    @Test("the matrix is cut to FL1–FL2 and named FL1 INT LOG, FL2 INT LOG; FL3, not recorded, is left out")
    func named() throws {
        let spillover = try #require(try Self.naviosLike().spilloverNamedByParameters())
        #expect(spillover.channels == ["FL1 INT LOG", "FL2 INT LOG"])
        #expect(spillover.matrix == [[1, 13.4 / 100], [2.0 / 100, 1]])  // percent → fraction
        // As read, the keyword's matrix numbers three detectors.
        #expect(try Self.naviosLike().spillover()?.channels == ["FL1", "FL2", "FL3"])
    }

    @Test("a file that records none of the matrix's detectors has no spillover to name")
    func noneRecorded() throws {
        var sample = Self.naviosLike()
        sample.parameters = sample.parameters.map { var p = $0; p.name = p.name.replacing("FL", with: "Channel "); return p }
        #expect(try sample.spilloverNamedByParameters() == nil)
    }

    @Test("written as FCS 3.1, the $DFC matrix becomes a $SPILLOVER over the recorded parameters, and reads back")
    func writtenAsSpillover() throws {
        let bytes = try FCSWriter().encode([Self.naviosLike()])
        let back = try #require(try FCSFile.read(bytes: bytes, name: "w.fcs").dataSets.first)
        let spillover = try #require(try back.spillover())
        #expect(spillover.keyword == "$SPILLOVER")
        #expect(spillover.channels == ["FL1 INT LOG", "FL2 INT LOG"])
        #expect(spillover.matrix == [[1, 13.4 / 100], [2.0 / 100, 1]])  // percent → fraction
        #expect(back.keywords["$SPILLOVER"] == "2,FL1 INT LOG,FL2 INT LOG,1,\(13.4 / 100),\(2.0 / 100),1")
    }
}
