import Hummingbird

/// Says what went wrong where the router would answer with an empty 404: a path the editor does not serve (404,
/// naming it) or a method a path does not take (405, with `Allow`). Errors that carry a message pass unchanged.
struct EditorFallback<Context: RequestContext>: RouterMiddleware {
    /// The routes as the server adds them (Hummingbird does not expose its own table).
    let served: ServedRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let path = request.uri.path
            guard let allowed = served.methods(for: path), !allowed.contains(request.method) else {
                throw HTTPError(.notFound, message: "the editor serves no '\(path)'")
            }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.methodNotAllowed, headers: [.allow: names], message: "\(path) takes \(names), not \(request.method.rawValue)")
        }
    }
}
