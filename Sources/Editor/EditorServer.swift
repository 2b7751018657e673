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
    /// `index` is read as a number and checked here, so 1.5 or 1e20 is named as such (the decoder would only say
    /// "not JSON").
    struct ReadoutRequest: Decodable { var index: Double; var percentile: Double }
    struct Done: ResponseEncodable { var ok: Bool; var generation: Int }

    /// The routes, behind ``EditorAccess``.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: EditorAccess(token: token))
        let served = ServedRoutes()
        router.add(middleware: EditorFallback(served: served))
        /// Adds a route and records it for the fallback's 404 and 405 answers.
        func on(_ path: String, _ method: HTTPRequest.Method,
                use handler: @Sendable @escaping (Request, BasicRequestContext) async throws -> some ResponseGenerator) {
            served.add(path, method)
            router.on(RouterPath(path), method: method, use: handler)
        }
        let session = self.session
        on("/", .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: try Self.resource("index.html")))
        }
        on("/static/:name", .get) { _, context in
            guard let name = context.parameters.get("name"), let file = Self.files[name] else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: file.type], body: .init(byteBuffer: try Self.resource(file.resource)))
        }
        on("/api/state", .get) { _, _ in session.snapshot() }
        on("/api/plot", .get) { request, _ in
            let sample = try Self.query(request, "sample"), population = try Self.query(request, "population")
            let size = request.uri.queryParameters.get("size").flatMap(Int.init).map { min(max($0, 64), 1024) } ?? 400
            return try await Self.offload { try session.plot(sample: sample, population: population, size: size) }
        }
        on("/api/thumbnail", .get) { request, _ in
            let sample = try Self.query(request, "sample"), population = try Self.query(request, "population")
            let png = try await Self.offload { try session.thumbnail(sample: sample, population: population) }
            var response = Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        on("/api/preview", .post) { request, context in
            let body: PreviewRequest = try await Self.body(request, context: context, #"{"sample": text, "population": text, "gate": a gate shape}"#)
            return try await Self.offload { try session.preview(sample: body.sample, population: body.population, shape: body.gate) }
        }
        on("/api/gate", .post) { request, context in
            let body: GateRequest = try await Self.body(request, context: context, #"{"population": text, "gate": a gate shape}"#)
            try Self.mapped { try session.edit(population: body.population, shape: body.gate) }
            return session.snapshot()
        }
        on("/api/readout", .post) { request, context in
            let body: ReadoutRequest = try await Self.body(request, context: context, #"{"index": an integer, "percentile": a number}"#)
            guard let index = Int(exactly: body.index) else {
                throw HTTPError(.badRequest, message: "request body: $.index: expected an integer, found \(body.index)")
            }
            try Self.mapped { try session.setPercentile(readout: index, percentile: body.percentile) }
            return session.snapshot()
        }
        on("/api/undo", .post) { _, _ in
            session.undo()
            return session.snapshot()
        }
        on("/api/redo", .post) { _, _ in
            session.redo()
            return session.snapshot()
        }
        on("/api/save", .post) { _, _ in
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

    /// The request's JSON body as `T`. A body that is not that JSON is a 400 naming the place (`$.gate.vertices[2]`)
    /// and what was expected, in the editor's words rather than the decoder's; one over the size limit is a 413.
    static func body<T: Decodable>(_ request: Request, context: some RequestContext, _ expected: String) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw HTTPError(.contentTooLarge, message: "request body: expected at most \(context.maxUploadSize) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "request body: " + Self.describe(error) + "; expected " + expected)
        }
    }

    /// A decoding error as the place in the body and what was wrong there.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            "$" + path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: "text"
            case is Int.Type: "an integer"
            case is Double.Type: "a number"
            case is [Any].Type: "an array"
            default: "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath + [key])) is missing"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(kind(type)), found null"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)): expected \(kind(type)), found another kind of value"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not JSON (or nested too deeply)"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "not the expected JSON"
        }
    }

    /// Why the editor could not listen on 127.0.0.1:`port`, found before starting (so the user reads this rather than
    /// the socket layer's words); nil when the port is free or 0 (any free port).
    public static func portProblem(_ port: Int) -> String? {
        guard port != 0 else { return nil }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound != 0 else { return nil }
        let reason = errno == EADDRINUSE ? "is already in use" : errno == EACCES ? "needs privileges FlowStudy does not have" : "cannot be used (errno \(errno))"
        return "port \(port) on 127.0.0.1 \(reason): choose another with --port, or --port 0 for any free port"
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
