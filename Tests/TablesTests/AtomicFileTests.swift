#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tables
import TestSupport
import Testing

@Suite("Atomic files: devices, FIFOs, links and permissions")
struct AtomicFileTests {
    @Test("Writing to /dev/null writes through and leaves the device a device")
    func devNullStaysADevice() throws {
        try AtomicFile.write("discarded\n", to: "/dev/null")
        var status = stat()
        #expect(stat("/dev/null", &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test("A FIFO is written through, and a reader on the other end receives the bytes")
    func fifoIsWrittenThrough() async throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.path("pipe")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Task.detached { () -> [UInt8] in
            let descriptor = open(fifo, O_RDONLY)
            defer { close(descriptor) }
            var bytes = [UInt8](repeating: 0, count: 64)
            let count = read(descriptor, &bytes, 64)
            return Array(bytes.prefix(max(count, 0)))
        }
        try AtomicFile.write("through\n", to: fifo)
        #expect(await reader.value == Array("through\n".utf8))
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("A symbolic link is followed: its target is replaced and the link stays a link")
    func symlinkIsFollowed() throws {
        let folder = try TemporaryDirectory()
        try "old".write(toFile: folder.path("target.csv"), atomically: false, encoding: .utf8)
        #expect(symlink("target.csv", folder.path("link.csv")) == 0)
        try AtomicFile.write("new", to: folder.path("link.csv"))
        #expect(try String(contentsOfFile: folder.path("target.csv"), encoding: .utf8) == "new")
        var status = stat()
        #expect(lstat(folder.path("link.csv"), &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
    }

    @Test("An existing output keeps its permission bits")
    func permissionsAreKept() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("out.csv")
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o640) == 0)
        try AtomicFile.write("new", to: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o640)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    }

    @Test("A folder is never replaced by a file")
    func folderIsRefused() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: TablesError.self) { try AtomicFile.write("x", to: folder.url.path) }
    }

    @Test("A folder that exists but takes no file (/proc) is named with the system's refusal, not called missing", .enabled(if: FileManager.default.fileExists(atPath: "/proc/self"), "no /proc on this system"))
    func folderThatTakesNoFile() throws {
        let error = try #require(throws: TablesError.self) { try AtomicFile.write("x", to: "/proc/flowstudy-nope.fcs") }
        #expect(error.code == .unwritableFile && error.file == "/proc/flowstudy-nope.fcs")
        #expect(error.expected == "a folder '/proc' where a file can be created")
        #expect(error.found.hasPrefix("the system refused to create one there ("), "\(error.found)")
    }
}

@Suite("Inputs: only regular files, never a path cut at a NUL")
struct InputFileTests {
    @Test("A FIFO input is refused at once instead of blocking")
    func fifoInputIsRefused() throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.path("pipe.fcs")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect { try InputFile.bytes(fifo) } throws: { ($0 as? TablesError)?.code == .notARegularFile }
    }

    @Test("A path holding NUL is refused, not cut short")
    func nulPathIsRefused() throws {
        let folder = try TemporaryDirectory()
        try "a".write(toFile: folder.path("a.fcs"), atomically: false, encoding: .utf8)
        #expect { try InputFile.bytes(folder.path("a.fcs") + "\0.txt") } throws: { ($0 as? TablesError)?.code == .unreadableFile }
    }

    @Test("Bytes of a regular file are read whole")
    func readsWholeFile() throws {
        let folder = try TemporaryDirectory()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(bytes).write(to: folder.url.appendingPathComponent("blob"))
        let read = try InputFile.bytes(folder.path("blob"))
        #expect(read == bytes)
        // Held once: the read that finds the end fits in one spare byte (the buffer used to double, to 200,000).
        #expect(read.capacity < 101_000, "\(read.capacity)")
        try Data().write(to: folder.url.appendingPathComponent("empty"))
        #expect(try InputFile.bytes(folder.path("empty")) == [])
    }
}

@Suite("Outputs that are inputs")
struct OutputGuardTests {
    @Test("Text that is not UTF-8 is read as Windows-1252 (Excel's CSV on Windows): é, € and curly quotes survive")
    func windows1252Text() throws {
        let folder = try TemporaryDirectory()
        let cases: [([UInt8], String)] = [
            ([0x50, 0x61, 0x74, 0x69, 0xE9, 0x6E, 0x74, 0x2C, 0x80, 0x93, 0x94, 0x96], "Patiént,€“”–"),
            ([0xC3, 0xA9, 0x2C, 0xE2, 0x82, 0xAC], "é,€"),                 // valid UTF-8 is read as UTF-8
            ([0xEF, 0xBB, 0xBF, 0x61], "\u{FEFF}a"),                         // a BOM is left for the CSV reader
            ([0x81, 0x8D, 0x8F, 0x90, 0x9D], "\u{81}\u{8D}\u{8F}\u{90}\u{9D}"), // 1252 leaves these undefined
        ]
        for (index, (bytes, expected)) in cases.enumerated() {
            let path = folder.path("sheet\(index).csv")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(try InputFile.text(path) == expected)
        }
        // A stray byte amid UTF-8 text (é, then a Latin-1 é on line 2) is refused: as Windows-1252 the first é would
        // read as Ã©. JSON takes UTF-8 only.
        let mixed = folder.path("mixed.csv"), latin = folder.path("latin.json")
        try Data([0x61, 0xC3, 0xA9, 0x0A, 0x62, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: mixed))
        try Data([0x7B, 0x0A, 0x22, 0xE9, 0x22, 0x7D]).write(to: URL(fileURLWithPath: latin))
        for (path, read, offset, line) in [(mixed, InputFile.text, 5, 2), (latin, InputFile.utf8Text, 3, 2)] as [(String, (String) throws -> String, Int, Int)] {
            #expect {
                _ = try read(path)
            } throws: { error in
                guard let error = error as? TablesError else { return false }
                return error.code == .notText && error.place == "line \(line), byte \(offset)" && error.found.hasPrefix("byte 0xE9")
            }
        }
        #expect(try InputFile.text(latin) == "{\n\"é\"}")  // the same bytes as a sheet: Windows-1252 throughout
    }

    @Test("An output that is an input under another spelling is refused, naming both")
    func sameFileDifferentSpelling() throws {
        let folder = try TemporaryDirectory()
        let input = folder.path("in.fcs")
        try "raw".write(toFile: input, atomically: false, encoding: .utf8)
        #expect(link(input, folder.path("hard.fcs")) == 0)
        for spelling in [folder.url.path + "/./in.fcs", folder.path("hard.fcs")] {
            #expect {
                try OutputGuard.check(outputFiles: [spelling], inputs: [input])
            } throws: { error in
                guard let error = error as? TablesError else { return false }
                return error.code == .outputIsInput && error.file == spelling && error.found.contains(input)
            }
        }
        try OutputGuard.check(outputFiles: [folder.path("new.csv")], inputs: [input])
    }

    @Test("An output folder that holds an input is refused")
    func folderHoldingInput() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.path("out/sub"), withIntermediateDirectories: true)
        try "x".write(toFile: folder.path("out/sub/samples.csv"), atomically: false, encoding: .utf8)
        #expect(throws: TablesError.self) {
            try OutputGuard.check(outputFolders: [folder.path("out")], inputs: [folder.path("out/sub/samples.csv")])
        }
    }
}
