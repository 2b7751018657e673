import Foundation
import Testing
@testable import ELISA

/// A file that is no plate export: the error names every format FlowStudy reads, .xlsx included.
@Suite("Unrecognised plate files")
struct UnrecognisedPlateTests {
    static func message(_ bytes: [UInt8]) -> String? {
        do { _ = try PlateRead.read(Data(bytes), file: "x.dat"); return nil } catch let error as ELISAError {
            return error.code == .unrecognisedFormat ? error.message : "code \(error.code)"
        } catch { return "\(error)" }
    }

    @Test("a text file: the message lists the text formats and the .xlsx workbooks, and shows control bytes as '?'")
    func textFile() throws {
        let message = try #require(Self.message(Array("plate\u{1B}[31m,value\n".utf8)))
        #expect(message.contains("or an .xlsx workbook from Tecan Magellan, Tecan i-control or Thermo SkanIt"))
        #expect(message.hasSuffix("found 'plate?[31m,value'"))
        // A C1 control (U+009B, CSI on some terminals) is masked too.
        #expect(try #require(Self.message(Array("plate\u{9B}31m,value\n".utf8))).hasSuffix("found 'plate?31m,value'"))
    }

    @Test("an Excel 97–2003 .xls file is named as such, with what to do")
    func oldExcel() throws {
        let message = try #require(Self.message([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)))
        #expect(message.contains("Excel 97–2003 workbook (.xls)") && message.contains("save it as .xlsx"))
    }
}
