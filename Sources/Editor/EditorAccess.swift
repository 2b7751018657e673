import Foundation
import Hummingbird

/// Who may talk to the editor: a request must name a loopback host (so a page of another site whose name was
/// rebound to 127.0.0.1 is refused) and carry the session's token: in the HttpOnly, SameSite=Strict cookie set by
/// the first page load, or, for that page load only, as `?token=` in the URL the command printed. A POST must be
/// JSON (a cross-site form cannot send that), and an `Origin`, when sent, must be loopback too.
struct EditorAccess<Context: RequestContext>: RouterMiddleware {
    /// The session's token (32 hex digits).
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, Self.isLoopback(authority: authority) else {
            return Self.refusal(.forbidden, "the Host header must name 127.0.0.1, localhost or [::1]")
        }
        if let origin = request.headers[.origin], !Self.isLoopback(origin: origin) {
            return Self.refusal(.forbidden, "requests from another origin are refused")
        }
        let cookie = Self.cookieName(authority: authority)
        let isPage = request.method == .get && request.uri.path == "/"
        let fromCookie = request.cookies[cookie].map { Self.same($0.value, token) } ?? false
        let fromURL = isPage && request.uri.queryParameters.get("token").map { Self.same($0, token) } == true
        guard fromCookie || fromURL else {
            return Self.refusal(.unauthorized, "missing or wrong token: open the URL that `flowstudy edit` printed")
        }
        if request.method == .post, !(request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") {
            return Self.refusal(.unsupportedMediaType, "expected Content-Type: application/json")
        }
        var response = try await next(request, context)
        if fromURL {
            response.setCookie(Cookie(name: cookie, value: token, path: "/", httpOnly: true, sameSite: .strict))
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        return response
    }

    /// The cookie's name carries the port: cookies ignore ports, and two editors may run side by side.
    static func cookieName(authority: String) -> String {
        let port = authority.split(separator: ":").last.flatMap { Int($0) }.map(String.init) ?? "0"
        return "flowstudy_editor_\(port)"
    }

    /// `127.0.0.1`, `localhost` or `[::1]`, with an optional port.
    static func isLoopback(authority: String) -> Bool {
        var host = authority.lowercased()
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && Int(rest.dropFirst()) != nil) else { return false }
            host = String(host[...close])
        } else if let colon = host.firstIndex(of: ":") {
            guard Int(host[host.index(after: colon)...]) != nil else { return false }
            host = String(host[..<colon])
        }
        return ["127.0.0.1", "localhost", "[::1]"].contains(host)
    }

    /// `http://127.0.0.1:port` and the like.
    static func isLoopback(origin: String) -> Bool {
        guard origin.lowercased().hasPrefix("http://") else { return false }
        return isLoopback(authority: String(origin.dropFirst("http://".count)))
    }

    /// Compares without stopping at the first difference.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: "flowstudy edit: \(message)\n")))
    }
}
