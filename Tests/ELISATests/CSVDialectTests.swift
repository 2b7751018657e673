import Foundation
import Testing
import TestSupport
@testable import ELISA

/// Issue 11, item 2: long CSVs and layouts saved on Windows (CRLF), with a UTF-8 byte-order mark, and with quoted
/// cells holding commas are read as RFC 4180 (through `Tables.CSVTable`), like the same file saved on Linux.
/// Before the move onto CSVTable, CRLF files were one "line" (Swift reads `\r\n` as one character) and refused as
/// `[unrecognised_format]`, and a quoted id with a comma split into two cells.
@Suite("CSV dialects: CRLF, byte-order mark and quoted commas in ELISA CSVs")
struct CSVDialectTests {
    /// A long CSV as Excel saves it on Windows: BOM, CRLF, a quoted well, a quoted text cell with a comma.
    static let windowsPlate = "\u{FEFF}well,OD450,OD570\r\nA1,0.512,0.040\r\n\"B2\",OVRFLW,0.041\r\nC3,\"?????, not read\",0.050\r\n"

    @Test("a long CSV with BOM, CRLF and a quoted comma reads every well")
    func longCSV() throws {
        let plate = try PlateRead.longCSV(Self.windowsPlate, file: "plate.csv")
        #expect(plate.wavelengths.measurement == 450 && plate.wavelengths.reference == 570)
        #expect(plate.wells.keys.sorted() == ["A1", "B2", "C3"])
        #expect(plate.wells["A1"] == PlateRead.Reading(measurement: 0.512, reference: 0.040))
        #expect(plate.wells["B2"] == PlateRead.Reading(measurement: nil, text: "OVRFLW", status: .overflow))
        #expect(plate.wells["C3"] == PlateRead.Reading(measurement: nil, text: "?????, not read", status: .notRead))
    }

    @Test("the format is detected from bytes with a BOM, CRLF and quoted header cells")
    func detected() throws {
        let quotedHeader = "\"well\",\"OD450\"\r\nA1,0.25\r\n"
        for text in [Self.windowsPlate, quotedHeader] {
            let plates = try PlateRead.read(Data(text.utf8), file: "plate.csv")
            #expect(plates.count == 1)
            #expect(plates.first?.wells["A1"]?.measurement == (text == quotedHeader ? 0.25 : 0.512))
        }
        // The BOM is three bytes before the header, not part of the first column's name.
        #expect(Array(Self.windowsPlate.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
    }

    @Test("a long CSV's errors name the file's own line, counting CRLF lines")
    func longCSVLines() throws {
        #expect { try PlateRead.longCSV("well,OD450\r\nA1,0.1\r\n\r\nZ9,0.2\r\n", file: "x.csv") } throws: {
            ($0 as? ELISAError)?.place == "line 4" && ($0 as? ELISAError)?.code == .badWell
        }
        #expect { try PlateRead.longCSV("well,OD450\nA1,\"0.1\n", file: "x.csv") } throws: {
            ($0 as? ELISAError)?.place == "line 2" && ($0 as? ELISAError)?.code == .unrecognisedFormat
        }
    }

    /// A layout saved on Windows, whose sample ids hold commas (quoted).
    static let windowsLayout = "\u{FEFF}well,role,sample_id,subject_id,condition,std_conc,dilution_factor\r\n"
        + "A1,standard,,,,100,1\r\n"
        + "A2,blank,BLANK,,,,1\r\n"
        + "B1,sample,\"P01, visit 2\",P01,UT,,50\r\n"
        + "B2,control,\"QC \"\"high\"\", lot 7\",,,,10\r\n"

    @Test("a layout with BOM, CRLF and quoted ids holding commas and quotes")
    func layout() throws {
        let layout = try PlateLayout.csv(Self.windowsLayout, file: "layout.csv")
        #expect(layout.entries.keys.sorted() == ["A1", "A2", "B1", "B2"])
        #expect(layout.entries["A1"] == PlateLayout.Entry(well: "A1", role: .standard, concentration: 100, dilution: 1))
        #expect(layout.entries["B1"] == PlateLayout.Entry(well: "B1", role: .sample, sampleID: "P01, visit 2", subjectID: "P01",
                                                          condition: "UT", dilution: 50))
        #expect(layout.entries["B2"]?.sampleID == "QC \"high\", lot 7")
        #expect(layout.entries["B2"]?.dilution == 10)
        // Written back (csvBytes quotes the ids) and read again: the same layout.
        let again = try PlateLayout.csv(String(decoding: layout.csvBytes(), as: UTF8.self), file: "again.csv")
        #expect(again.entries == layout.entries)
    }

    @Test("a layout's problems name the file's own lines; non-finite numbers are refused")
    func layoutLines() throws {
        let text = "well,role,sample_id,std_conc,dilution_factor\r\nA1,standard,,100,1\r\n\r\nA2,standard,,inf,1\r\nA3,sample,\"S, 1\",,nan\r\n"
        #expect { try PlateLayout.csv(text, file: "l.csv") } throws: {
            let message = "\($0)"
            return message.contains("line 4, well A2: std_conc") && message.contains("line 5, well A3: dilution_factor")
        }
    }

    @Test("one standard id with two concentrations is refused, naming both wells (its OD would join another level)")
    func standardWithTwoConcentrations() throws {
        let text = """
            well,role,sample_id,std_conc,dilution_factor
            A1,standard,STD1,1000,1
            A2,standard,STD1,500,1
            B1,standard,STD2,500,1
            B2,standard,STD2,500,1
            """
        let error = try #require(throws: ELISAError.self) { try PlateLayout.csv(text, file: "l.csv") }
        #expect(error.code == .badLayout)
        #expect("\(error)".contains("line 3, well A2: std_conc 500 for standard 'STD1', which is 1000 at A1 (line 2); expected one concentration per standard id"), "\(error)")
        // Replicates that agree, and standards without an id, are fine.
        let agreeing = text.replacingOccurrences(of: "A2,standard,STD1,500", with: "A2,standard,STD1,1000")
        #expect(try PlateLayout.csv(agreeing, file: "l.csv").entries.count == 4)
        let unnamed = text.replacingOccurrences(of: "STD1", with: "")
        #expect(try PlateLayout.csv(unnamed, file: "l.csv").entries.count == 4)
    }
}
