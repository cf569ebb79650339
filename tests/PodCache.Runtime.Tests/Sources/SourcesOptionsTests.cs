using System.Text.Json.Nodes;
using PodCache.Cache.Configuration;
using PodCache.Runtime.Sources;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

public sealed class SourcesOptionsTests
{
    [Fact]
    public void FromJson_Nothing_CliAllowsAll_ServerOnlyTheWorkingDirectory()
    {
        var options = SourcesOptions.FromJson(null);

        Assert.Same(SourceAccessPolicy.AllowAll, options.ForCli());
        var server = Assert.IsType<SourceAccessPolicy>(options.ForServer([]));
        Assert.Equal([SourceAccessPolicy.RealPath(Directory.GetCurrentDirectory())!], server.Roots!);
        Assert.Equal(SourceAccessPolicy.UrlNotAllowed, server.Refuse("https://example.org/a.tif"));
    }

    [Fact]
    public void FromJson_AllowFiles_CliRestrictedToThem_UrlsStillFree()
    {
        using var tmp = new TempDir();
        var options = SourcesOptions.FromJson(JsonNode.Parse($$"""{"allow": {"files": [{{System.Text.Json.JsonSerializer.Serialize(tmp.Path)}}]} }""")!.AsObject());

        var cli = options.ForCli();

        Assert.Null(cli.Refuse(tmp.File("a.tif")));
        Assert.Equal(SourceAccessPolicy.OutsideRoots, cli.Refuse("/etc/passwd"));
        Assert.Null(cli.Refuse("https://example.org/a.tif"));
    }

    [Theory]
    [InlineData("""{"allow": {"files": "."}}""", "sources.allow.files: must be a list")]
    [InlineData("""{"allow": {"files": [1, ""]}}""", "sources.allow.files[1]")]
    [InlineData("""{"allow": {"urls": [null]}}""", "sources.allow.urls[0]")]
    [InlineData("""{"allow": {"hosts": []}}""", "sources.allow.hosts: unknown key")]
    [InlineData("""{"allow": []}""", "sources.allow: must be an object")]
    [InlineData("""{"revalidate": "60s"}""", "sources.revalidate: unknown key")]
    public void FromJson_Invalid_ConfigurationExceptionNamingThePath(string json, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => SourcesOptions.FromJson(JsonNode.Parse(json)!.AsObject()));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ForServer_RootMissingOrPrefixNotAUrl_ConfigurationException()
    {
        var options = SourcesOptions.FromJson(JsonNode.Parse("""{"allow": {"urls": ["not a url"]}}""")!.AsObject());
        Assert.Contains("sources.allow", Assert.Throws<ConfigurationException>(() => options.ForServer([])).Message);
        Assert.Throws<ConfigurationException>(() => SourcesOptions.FromJson(null).ForServer(["/nonexistent/podcache/root"]));
    }
}
