import Foundation
import Testing
import TestSupport
@testable import Editor

@Suite("Template lock")
struct TemplateLockTests {
    @Test("a second editor on the same template is refused while the first one's process lives")
    func secondEditorRefused() throws {
        let folder = try TemporaryDirectory("editor-lock")
        let template = folder.path("T.json")
        let first = try TemplateLock(template: template)
        #expect(try String(contentsOfFile: template + ".lock", encoding: .utf8) == "\(getpid())\n")
        #expect(throws: EditorError.self) { _ = try TemplateLock(template: template) }
        do {
            _ = try TemplateLock(template: template)
        } catch let error as EditorError {
            #expect(error.code == .locked)
            #expect(error.message.contains("process \(getpid())"))
        }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: template + ".lock"))
        let again = try TemplateLock(template: template)
        again.release()
    }

    @Test("a lock left by a process that has exited is taken over")
    func staleLockTakenOver() throws {
        let folder = try TemporaryDirectory("editor-lock")
        let template = folder.path("T.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        try "\(process.processIdentifier)\n".write(toFile: template + ".lock", atomically: true, encoding: .utf8)
        let lock = try TemplateLock(template: template)
        #expect(try String(contentsOfFile: template + ".lock", encoding: .utf8) == "\(getpid())\n")
        lock.release()
        // A lock file without a process id is stale too.
        try "garbage".write(toFile: template + ".lock", atomically: true, encoding: .utf8)
        let taken = try TemplateLock(template: template)
        taken.release()
    }
}
