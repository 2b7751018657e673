import Foundation
import Hummingbird

/// The editor's web server (Hummingbird, bound to 127.0.0.1): the page, its script and style, and a JSON API over
/// an ``EditorSession``. Every request goes through ``EditorAccess`` (loopback Host, token).
public struct EditorServer: Sendable {
    /// The session served.
    public let session: EditorSession
    /// The token every request must carry (32 hex digits, 128 random bits).
    public let token: String

    /// A server for `session` with a fresh random token.
    public init(session: EditorSession, token: String = EditorServer.newToken()) {
        self.session = session
        self.token = token
    }

    /// 128 bits from the system's secure generator, as 32 hex digits.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The page's files, by the only names they are served under: nothing else is reachable through `/static/`.
    static let files: [String: (resource: String, type: String)] = [
        "editor.js": ("editor.js", "text/javascript; charset=utf-8"),
        "editor.css": ("editor.css", "text/css; charset=utf-8"),
    ]

    static func resource(_ name: String) throws -> ByteBuffer {
        let parts = name.split(separator: ".")
        guard parts.count == 2, let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Page"),
              let data = try? Data(contentsOf: url) else {
            throw HTTPError(.internalServerError, message: "the editor's \(name) is missing from its resources")
        }
        return ByteBuffer(bytes: data)
    }

    struct PreviewRequest: Decodable { var sample: String; var population: String; var gate: GateShape }
    struct GateRequest: Decodable { var population: String; var gate: GateShape }
    struct ReadoutRequest: Decodable { var index: Int; var percentile: Double }
    struct Done: ResponseEncodable { var ok: Bool; var generation: Int }

    /// The routes, behind ``EditorAccess``.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: EditorAccess(token: token))
        let session = self.session
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: try Self.resource("index.html")))
        }
        router.get("/static/:name") { _, context in
            guard let name = context.parameters.get("name"), let file = Self.files[name] else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: file.type], body: .init(byteBuffer: try Self.resource(file.resource)))
        }
        router.get("/api/state") { _, _ in session.snapshot() }
        router.get("/api/plot") { request, _ in
            let sample = try Self.query(request, "sample"), population = try Self.query(request, "population")
            let size = request.uri.queryParameters.get("size").flatMap(Int.init).map { min(max($0, 64), 1024) } ?? 400
            return try await Self.offload { try session.plot(sample: sample, population: population, size: size) }
        }
        router.get("/api/thumbnail") { request, _ in
            let sample = try Self.query(request, "sample"), population = try Self.query(request, "population")
            let png = try await Self.offload { try session.thumbnail(sample: sample, population: population) }
            var response = Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.post("/api/preview") { request, context in
            let body = try await request.decode(as: PreviewRequest.self, context: context)
            return try await Self.offload { try session.preview(sample: body.sample, population: body.population, shape: body.gate) }
        }
        router.post("/api/gate") { request, context in
            let body = try await request.decode(as: GateRequest.self, context: context)
            try Self.mapped { try session.edit(population: body.population, shape: body.gate) }
            return session.snapshot()
        }
        router.post("/api/readout") { request, context in
            let body = try await request.decode(as: ReadoutRequest.self, context: context)
            try Self.mapped { try session.setPercentile(readout: body.index, percentile: body.percentile) }
            return session.snapshot()
        }
        router.post("/api/undo") { _, _ in
            session.undo()
            return session.snapshot()
        }
        router.post("/api/redo") { _, _ in
            session.redo()
            return session.snapshot()
        }
        router.post("/api/save") { _, _ in
            // The % changes are those of the current template on every sample: wait for the re-gate to finish.
            _ = await session.settle(timeout: 600)
            return try await Self.offload { try session.save() }
        }
        return router
    }

    /// The application listening on 127.0.0.1:`port` (0: a free port); `onRunning` is told the port.
    public func application(port: Int, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
    }

    static func query(_ request: Request, _ name: String) throws -> String {
        guard let value = request.uri.queryParameters.get(name) else {
            throw HTTPError(.badRequest, message: "expected the query parameter '\(name)'")
        }
        return value
    }

    /// Runs blocking work (reading files, gating) off the server's threads; editor errors become HTTP errors.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try mapped(body) })
            }
        }
    }

    static func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EditorError {
            let status: HTTPResponse.Status = switch error.code {
            case .unknown: .notFound
            case .locked: .conflict
            case .invalidGate, .invalidTemplate, .template, .computedGate: .unprocessableContent
            case .write: .internalServerError
            }
            throw HTTPError(status, message: error.description)
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.unprocessableContent, message: "\(error)")
        }
    }
}

extension EditorSession.Snapshot: ResponseEncodable {}
extension EditorSession.PlotData: ResponseEncodable {}
extension EditorSession.PreviewData: ResponseEncodable {}
extension EditorSession.SaveReport: ResponseEncodable {}
