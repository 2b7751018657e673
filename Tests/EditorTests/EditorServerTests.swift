import Foundation
import Gating
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
@testable import Editor

/// The editor's HTTP API, in process (HummingbirdTesting's router client).
@Suite("Editor server API")
struct EditorServerTests {
    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(response.body.readableBytesView))
    }

    static func json<T: Encodable>(_ value: T) throws -> ByteBuffer { ByteBuffer(bytes: try JSONEncoder().encode(value)) }

    struct GateBody: Encodable { var population: String; var gate: GateShape }
    struct PreviewBody: Encodable { var sample: String; var population: String; var gate: GateShape }

    @Test("without the token every route answers 401; the page load with ?token= sets an HttpOnly SameSite=Strict cookie")
    func tokenRequired() async throws {
        let fixture = try EditorFixture(samples: 1, events: 1_000)
        let app = Application(router: fixture.server.router())
        try await app.test(.router) { client in
            for uri in ["/", "/api/state", "/static/editor.js", "/api/plot?sample=S1&population=cells", "/?token=ffffffffffffffffffffffffffffffff"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                }
            }
            // A wrong cookie, and the right token in the query of an API route (only the page load may carry it there).
            try await client.execute(uri: "/api/state", method: .get, headers: [.cookie: "flowstudy_editor_0=0123456789abcdef0123456789abcdee"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/state?token=\(fixture.server.token)", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/undo", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/?token=\(fixture.server.token)", method: .get) { response in
                #expect(response.status == .ok)
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.hasPrefix("flowstudy_editor_0=\(fixture.server.token)"))
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
                // The page keeps the token out of Referer headers, and its script takes it out of the address bar.
                #expect(String(buffer: response.body).contains("<meta name=\"referrer\" content=\"no-referrer\">"))
                #expect(String(buffer: response.body).contains("/static/editor.js"))
            }
            try await client.execute(uri: "/api/state", method: .get, headers: [.cookie: fixture.cookie.value]) { response in
                #expect(response.status == .ok)
                let state = try Self.decode(EditorSession.Snapshot.self, response)
                #expect(state.template == "template.json")
                #expect(state.total == 1)
            }
            // A POST that is not JSON (what a cross-site form could send) is refused even with the cookie.
            try await client.execute(uri: "/api/undo", method: .post, headers: [.cookie: fixture.cookie.value, .contentType: "application/x-www-form-urlencoded"]) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    @Test("a Host other than loopback (DNS rebinding) and a foreign Origin are refused", arguments: [
        ("127.0.0.1", true), ("127.0.0.1:8080", true), ("localhost:1", true), ("[::1]:8080", true), ("LOCALHOST", true),
        ("evil.example", false), ("evil.example:8080", false), ("127.0.0.1.evil.example", false), ("localhost.", false),
        ("127.0.0.2:80", false), ("[::1]x", false), ("127.0.0.1:80x", false), ("", false),
    ])
    func loopbackHosts(host: String, allowed: Bool) {
        #expect(EditorAccess<BasicRequestContext>.isLoopback(authority: host) == allowed)
    }

    @Test("over a real socket: Host evil.example gets 403, Host 127.0.0.1 with the cookie gets the state")
    func hostHeaderOverSocket() async throws {
        let fixture = try EditorFixture(samples: 1, events: 1_000)
        let (port, task) = try await fixture.startLive()
        defer { task.cancel() }
        let token = fixture.server.token
        let rebound = try await RawHTTP.fetch(port: port, path: "/api/state", headers: ["Host: evil.example:\(port)", "Cookie: flowstudy_editor_\(port)=\(token)"])
        #expect(rebound.hasPrefix("HTTP/1.1 403"), "\(rebound.prefix(80))")
        let foreign = try await RawHTTP.fetch(port: port, path: "/api/state", headers: ["Host: 127.0.0.1:\(port)", "Origin: http://evil.example", "Cookie: flowstudy_editor_\(port)=\(token)"])
        #expect(foreign.hasPrefix("HTTP/1.1 403"))
        let good = try await RawHTTP.fetch(port: port, path: "/api/state", headers: ["Host: 127.0.0.1:\(port)", "Cookie: flowstudy_editor_\(port)=\(token)"])
        #expect(good.hasPrefix("HTTP/1.1 200"), "\(good.prefix(80))")
        #expect(good.contains("\"template\":\"template.json\""))
    }

    @Test("static and resource routes serve only the page's own files")
    func pathConfinement() async throws {
        let fixture = try EditorFixture(samples: 1, events: 1_000)
        let app = Application(router: fixture.server.router())
        let headers: HTTPFields = [.cookie: fixture.cookie.value]
        try await app.test(.router) { client in
            try await client.execute(uri: "/static/editor.js", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
            for uri in ["/static/../Package.swift", "/static/..%2F..%2FPackage.swift", "/static/%2e%2e/index.html", "/static/Page/editor.js",
                        "/static/editor.js%00.png", "/static/EditorServer.swift", "/static//etc/passwd", "/static/index.html",
                        "/../../../etc/passwd", "/api/../Package.swift", "/Package.swift"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("swift-tools-version"))
                    #expect(!String(buffer: response.body).contains("root:"))
                }
            }
            // Samples and populations are looked up by id, never opened as paths.
            for uri in ["/api/plot?sample=..%2F..%2Fetc%2Fpasswd&population=cells", "/api/thumbnail?sample=%2Fetc%2Fpasswd&population=cells",
                        "/api/plot?sample=S1&population=..%2Ftemplate.json"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
        }
    }

    @Test("a threshold edit: the drag preview and every sample's re-gated counts equal the engine's on the edited template")
    func gateEditMatchesEngine() async throws {
        let fixture = try EditorFixture(samples: 3, events: 4_000)
        #expect(await fixture.session.settle(timeout: 120))
        let app = Application(router: fixture.server.router())
        let headers: HTTPFields = [.cookie: fixture.cookie.value, .contentType: "application/json"]
        // The edited template, made here from the file: CD206+ from logicle 0.62 instead of the template's bound.
        var edited = try TemplateReader.read(contentsOf: fixture.templatePath)
        let index = try #require(edited.strategy.populations.firstIndex { $0.id == "CD206+" })
        guard case .rectangle(var rectangle) = edited.strategy.populations[index].gate else { Issue.record("CD206+ is a rectangle"); return }
        let original = try #require(rectangle.minimum[0])
        #expect(original != 0.62)
        rectangle.minimum[0] = 0.62
        edited.strategy.populations[index].gate = .rectangle(rectangle)
        let shape = GateShape(kind: "rectangle", min: [0.62], max: [nil])
        let expected = try fixture.entries.map { try EditorFixture.engineCounts(edited, file: $0.file) }
        let before = try EditorFixture.engineCounts(try TemplateReader.read(contentsOf: fixture.templatePath), file: fixture.entries[0].file)
        #expect(before["CD206+"] != expected[0]["CD206+"], "the edit must change the count for this test to mean anything")
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/preview", method: .post, headers: headers,
                                     body: try Self.json(PreviewBody(sample: "S1", population: "CD206+", gate: shape))) { response in
                #expect(response.status == .ok)
                let preview = try Self.decode(EditorSession.PreviewData.self, response)
                #expect(preview.counts["CD206+"] == expected[0]["CD206+"])
                #expect(preview.parentCount == expected[0]["macrophages"])
            }
            try await client.execute(uri: "/api/gate", method: .post, headers: headers,
                                     body: try Self.json(GateBody(population: "CD206+", gate: shape))) { response in
                #expect(response.status == .ok)
            }
            #expect(await fixture.session.settle(timeout: 120))
            try await client.execute(uri: "/api/state", method: .get, headers: headers) { response in
                let state = try Self.decode(EditorSession.Snapshot.self, response)
                #expect(state.canUndo && !state.saved)
                for (row, counts) in zip(state.samples, expected) {
                    #expect(row.failure == nil)
                    #expect(row.counts == counts, "\(row.id)")
                }
            }
            // Undo brings the template's own counts back; redo the edited ones.
            try await client.execute(uri: "/api/undo", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { _ in }
            #expect(await fixture.session.settle(timeout: 120))
            #expect(fixture.session.snapshot().samples[0].counts == before)
            try await client.execute(uri: "/api/redo", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { _ in }
            #expect(await fixture.session.settle(timeout: 120))
            #expect(fixture.session.snapshot().samples[0].counts == expected[0])
        }
    }

    @Test("a polygon edit near the root re-gates the whole subtree to the engine's counts")
    func polygonEditMatchesEngine() async throws {
        let fixture = try EditorFixture(samples: 2, events: 3_000)
        #expect(await fixture.session.settle(timeout: 120))
        var edited = try TemplateReader.read(contentsOf: fixture.templatePath)
        guard case .polygon(var polygon) = edited.strategy.populations[0].gate else { Issue.record("cells is a polygon"); return }
        polygon.vertices = [[50000, 20000], [200000, 20000], [200000, 200000], [50000, 200000], [30000, 100000]]
        edited.strategy.populations[0].gate = .polygon(polygon)
        try fixture.session.edit(population: "cells", shape: GateShape(kind: "polygon", vertices: polygon.vertices))
        #expect(await fixture.session.settle(timeout: 120))
        let state = fixture.session.snapshot()
        for (row, entry) in zip(state.samples, fixture.entries) {
            #expect(row.counts == (try EditorFixture.engineCounts(edited, file: entry.file)))
        }
    }

    @Test("a gate that does not fit is refused with 422 and changes nothing")
    func invalidGateRefused() async throws {
        let fixture = try EditorFixture(samples: 1, events: 1_000)
        let app = Application(router: fixture.server.router())
        let headers: HTTPFields = [.cookie: fixture.cookie.value, .contentType: "application/json"]
        try await app.test(.router) { client in
            for (population, shape) in [("CD206+", GateShape(kind: "rectangle", min: [0.9], max: [0.5])),
                                        ("CD206+", GateShape(kind: "polygon", vertices: [[0, 0], [1, 1], [0, 1]])),
                                        ("cells", GateShape(kind: "polygon", vertices: [[0, 0], [1, 1]])),
                                        // Vertices on one line (or all one point) enclose nothing.
                                        ("cells", GateShape(kind: "polygon", vertices: [[0, 0], [1, 1], [2, 2]])),
                                        ("cells", GateShape(kind: "polygon", vertices: [[0, 0], [0, 0], [0, 0]]))] {
                try await client.execute(uri: "/api/gate", method: .post, headers: headers,
                                         body: try Self.json(GateBody(population: population, gate: shape))) { response in
                    #expect(response.status == .unprocessableContent)
                }
            }
            try await client.execute(uri: "/api/gate", method: .post, headers: headers, body: ByteBuffer(string: "{\"population\": 3}")) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(fixture.session.snapshot().canUndo == false)
    }

    struct ErrorBody: Decodable { struct Inner: Decodable { var message: String }; var error: Inner }

    @Test("a body that is not the expected JSON is a 400 naming the place; an unknown path a 404, a wrong method a 405")
    func malformedRequestsSayWhatWasExpected() async throws {
        let fixture = try EditorFixture(samples: 1, events: 500)
        let app = Application(router: fixture.server.router())
        let headers: HTTPFields = [.cookie: fixture.cookie.value, .contentType: "application/json"]
        let cases: [(uri: String, body: String, status: HTTPResponse.Status, says: String)] = [
            ("/api/gate", "[]", .badRequest, "$: expected an object"),
            ("/api/gate", "null", .badRequest, "$: expected an object, found null"),
            ("/api/gate", #"{"population": 3}"#, .badRequest, "$.population: expected text"),
            ("/api/gate", #"{"population": "cells"}"#, .badRequest, "$.gate is missing"),
            ("/api/gate", #"{"population": "cells", "gate": {"kind": "polygon", "vertices": [[0, 0], [1,"#, .badRequest, "not JSON"),
            ("/api/gate", #"{"population": "cells", "gate": {"kind": "polygon", "vertices": [[0, 0], [1, "x"]]}}"#, .badRequest,
             "$.gate.vertices[1][1]: expected a number"),
            ("/api/readout", #"{"index": 1.5, "percentile": 99}"#, .badRequest, "$.index"),
            ("/api/readout", #"{"index": 1e20, "percentile": 99}"#, .badRequest, "$.index"),
            ("/api/preview", String(repeating: "[", count: 100_000), .badRequest, "not JSON"),
        ]
        try await app.test(.router) { client in
            for item in cases {
                try await client.execute(uri: item.uri, method: .post, headers: headers, body: ByteBuffer(string: item.body)) { response in
                    #expect(response.status == item.status, "\(item.body.prefix(60))")
                    let message = try Self.decode(ErrorBody.self, response).error.message
                    #expect(message.hasPrefix("request body: ") && message.contains(item.says), "\(message)")
                }
            }
            try await client.execute(uri: "/api/nothing", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                let message = try Self.decode(ErrorBody.self, response).error.message
                #expect(message == "the editor serves no '/api/nothing'")
            }
            try await client.execute(uri: "/api/gate", method: .get, headers: headers) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/api/state", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            // The parameter route: a wrong method on a file is a 405; an unknown file, or a path below it, a 404.
            try await client.execute(uri: "/static/editor.js", method: .delete, headers: headers) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            for uri in ["/static/nothing.js", "/static/a/b.js"] {
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    let message = try Self.decode(ErrorBody.self, response).error.message
                    #expect(message == "the editor serves no '\(uri)'")
                }
            }
            // An unknown sample keeps its own message.
            try await client.execute(uri: "/api/plot?sample=nobody&population=cells", method: .get, headers: headers) { response in
                #expect(response.status == .notFound)
                let message = try Self.decode(ErrorBody.self, response).error.message
                #expect(message.contains("nobody"))
            }
        }
        #expect(fixture.session.snapshot().canUndo == false)
    }

    @Test("Save validates, keeps each replaced file as T.json.1, T.json.2 and reports the changed gate and each sample's % change")
    func saveWritesTemplateAndVersions() async throws {
        let fixture = try EditorFixture(samples: 2, events: 3_000)
        #expect(await fixture.session.settle(timeout: 120))
        let originalBytes = try Data(contentsOf: URL(fileURLWithPath: fixture.templatePath))
        let app = Application(router: fixture.server.router())
        let headers: HTTPFields = [.cookie: fixture.cookie.value, .contentType: "application/json"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/gate", method: .post, headers: headers,
                                     body: try Self.json(GateBody(population: "CD206+", gate: GateShape(kind: "rectangle", min: [0.6], max: [nil])))) { _ in }
            try await client.execute(uri: "/api/save", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
                let report = try Self.decode(EditorSession.SaveReport.self, response)
                #expect(report.previous == fixture.templatePath + ".1")
                #expect(report.changed == ["populations[5].gate (CD206+)"])
                // Only CD206+ moved, on both samples, and by what the engine says.
                #expect(Set(report.changes.map(\.population)) == ["CD206+"])
                #expect(report.changes.count == 2)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.templatePath + ".1")) == originalBytes)
            let saved = try TemplateReader.read(contentsOf: fixture.templatePath)
            guard case .rectangle(let r) = try #require(saved.strategy.populations.first { $0.id == "CD206+" }).gate else { Issue.record("rectangle"); return }
            #expect(r.minimum == [0.6])
            // The saved file gates to the counts the editor shows.
            let state = fixture.session.snapshot()
            #expect(state.saved)
            for (row, entry) in zip(state.samples, fixture.entries) {
                #expect(row.counts == (try EditorFixture.engineCounts(saved, file: entry.file)))
            }
            let firstSave = try Data(contentsOf: URL(fileURLWithPath: fixture.templatePath))
            try await client.execute(uri: "/api/gate", method: .post, headers: headers,
                                     body: try Self.json(GateBody(population: "CD86+", gate: GateShape(kind: "rectangle", min: [0.45], max: [nil])))) { _ in }
            try await client.execute(uri: "/api/save", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                let report = try Self.decode(EditorSession.SaveReport.self, response)
                #expect(report.previous == fixture.templatePath + ".2")
                #expect(report.changed == ["populations[4].gate (CD86+)"])
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.templatePath + ".2")) == firstSave)
            // Saved again without a change: the file already holds it, so no third version is kept.
            try await client.execute(uri: "/api/save", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                let report = try Self.decode(EditorSession.SaveReport.self, response)
                #expect(response.status == .ok && report.previous == nil && report.changed.isEmpty)
            }
        }
        // Nothing else was written beside the template.
        let names = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.url.path).sorted()
        #expect(names == ["fcs", "template.json", "template.json.1", "template.json.2"])
    }

    @Test("a file that cannot be read is listed with its reason; the others are gated")
    func brokenFileListed() async throws {
        let fixture = try EditorFixture(samples: 2, events: 2_000, broken: true)
        #expect(await fixture.session.settle(timeout: 120))
        let state = fixture.session.snapshot()
        #expect(state.samples.map(\.id) == ["S0-broken", "S1", "S2"])
        #expect(state.samples[0].failure?.contains("S0-broken.fcs") == true)
        #expect(state.samples[1].failure == nil && state.samples[1].counts["cells"] != nil)
        #expect(state.done == 3)
    }
}
