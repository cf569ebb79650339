using System.Net;

namespace PodCache.Server.Tests;

/// <summary>
/// A server with an API token and a browser, which cannot add the header: the UI's pages send it to /ui/login, which
/// keeps the token in an HttpOnly, SameSite=Strict cookie the server then accepts like the header.
/// </summary>
public sealed class UiLoginTests
{
    private const string Token = "correct-horse-battery";

    private static HttpClient NoRedirects(PodCacheApp app, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = app.Client.BaseAddress,
        };

    private static FormUrlEncodedContent Form(string token, string next) =>
        new(new Dictionary<string, string> { ["token"] = token, ["next"] = next });

    [Fact]
    public async Task Page_WithoutTheToken_GoesToSignIn_AndTheCookieThenOpensPagesAndApi()
    {
        await using var app = await PodCacheApp.StartAsync(new ServerOptions { ApiToken = Token }.Validate());
        var cookies = new CookieContainer();
        using var browser = NoRedirects(app, cookies);

        using var runs = await browser.GetAsync("ui/cache?x=1");
        Assert.Equal(HttpStatusCode.Redirect, runs.StatusCode);
        Assert.Equal("/ui/login?next=%2Fui%2Fcache%3Fx%3D1", runs.Headers.Location!.OriginalString);
        using var api = await browser.GetAsync("v1/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        string login = await browser.GetStringAsync("ui/login?next=%2Fui%2Fcache");
        Assert.Contains("<label for=\"token\">API token</label>", login);

        using var wrong = await browser.PostAsync("ui/login", Form("guess", "/ui/cache"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("role=\"alert\"", await wrong.Content.ReadAsStringAsync());
        Assert.Empty(cookies.GetAllCookies());

        using var right = await browser.PostAsync("ui/login", Form(Token, "/ui/cache"));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/ui/cache", right.Headers.Location!.OriginalString);
        string setCookie = right.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        using var page = await browser.GetAsync("ui/cache");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var stats = await browser.GetAsync("v1/stats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Theory]
    [InlineData("//elsewhere.example/x")]
    [InlineData("https://elsewhere.example/")]
    [InlineData("/\\elsewhere.example")]
    [InlineData("/ui/login")]
    public async Task SignIn_NextOffThisServer_GoesToTheRuns(string next)
    {
        await using var app = await PodCacheApp.StartAsync(new ServerOptions { ApiToken = Token }.Validate());
        using var browser = NoRedirects(app);

        using var signedIn = await browser.PostAsync("ui/login", Form(Token, next));

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_FromAnotherSitesPage_Refused_AndSetsNoCookie()
    {
        await using var app = await PodCacheApp.StartAsync(new ServerOptions { ApiToken = Token }.Validate());
        using var browser = NoRedirects(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "ui/login") { Content = Form(Token, "/") };
        request.Headers.Add("Origin", "http://elsewhere.example");

        using var refused = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }
}
