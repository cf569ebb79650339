namespace PodCache.Server;

/// <summary>One problem with a request, at a JSON path into the request body (<c>pipeline.out.attrs.eqn</c>), a query
/// parameter or a route value (<c>format</c>, <c>key</c>); <c>""</c> is the body as a whole.</summary>
/// <param name="Path">Where.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record ProblemError(string Path, string Message);
