using PodCache.Runtime.Sources.IO;

namespace PodCache.Runtime.Tests.Sources;

public sealed class SourceUriTests
{
    [Fact]
    public void Parse_RelativePath_ResolvesAgainstTheBaseDirectory_NotTheWorkingDirectory()
    {
        string baseDir = Path.Combine(Path.GetTempPath(), "pipelines", "terrain");
        var uri = SourceUri.Parse("../../data/terrain.tif", baseDir);
        Assert.Equal(SourceScheme.File, uri.Scheme);
        Assert.Equal(Path.GetFullPath(Path.Combine(Path.GetTempPath(), "data", "terrain.tif")), uri.FilePath);
        Assert.Equal(uri.FilePath, uri.Identity);
        Assert.False(uri.IsRemote);
        Assert.Equal(Path.GetFullPath("x.tif"), SourceUri.Parse("x.tif").FilePath);
        // Spellings of one file are one source.
        Assert.Equal(SourceUri.Parse("./a/../b.tif", "/data"), SourceUri.Parse("/data/b.tif"));
    }

    [Fact]
    public void Parse_FileUrl_IsTheLocalPath()
    {
        var uri = SourceUri.Parse("file:///data/x%20y.tif");
        Assert.Equal(SourceScheme.File, uri.Scheme);
        Assert.Equal("/data/x y.tif", uri.FilePath);
        Assert.Throws<FormatException>(() => SourceUri.Parse("file://otherhost/data/x.tif"));
    }

    [Fact]
    public void Parse_Http_IdentityDropsCredentialsAndSignatures_DisplayDropsEveryQueryValue()
    {
        var uri = SourceUri.Parse("https://user:secret@Data.Example.org:443/dem/a.tif?X-Amz-Signature=abc&X-Amz-Credential=k&band=2&sig=zzz#frag");
        Assert.Equal(SourceScheme.Http, uri.Scheme);
        Assert.Equal("https://data.example.org/dem/a.tif?band=2", uri.Identity);
        Assert.Equal("https://data.example.org/dem/a.tif?band=", uri.Display);
        Assert.DoesNotContain("secret", uri.Identity + uri.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", uri.Identity + uri.Display, StringComparison.Ordinal);
        // The request itself still carries what was written.
        Assert.Contains("X-Amz-Signature=abc", uri.HttpUri!.Query, StringComparison.Ordinal);
        Assert.True(uri.IsRemote);
        // Re-signing a URL keeps its identity (and so every key).
        Assert.Equal(uri, SourceUri.Parse("https://data.example.org/dem/a.tif?band=2&X-Amz-Signature=other"));
        Assert.Equal("http://127.0.0.1:8765/dem.tif", SourceUri.Parse("http://127.0.0.1:8765/dem.tif").Identity);
    }

    [Fact]
    public void Parse_S3_BucketAndKey()
    {
        var uri = SourceUri.Parse("s3://my-bucket/dem/tiles/a b.tif");
        Assert.Equal(SourceScheme.S3, uri.Scheme);
        Assert.Equal("my-bucket", uri.Bucket);
        Assert.Equal("dem/tiles/a b.tif", uri.Key);
        Assert.Equal("s3://my-bucket/dem/tiles/a b.tif", uri.Identity);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ftp://host/x.tif")]
    [InlineData("s3://Bad_Bucket/k")]
    [InlineData("s3://bucket")]
    [InlineData("s3://bucket/")]
    [InlineData("s3://bucket/k?versionId=1")]
    [InlineData("http://")]
    [InlineData("a\u0001b.tif")]
    public void Parse_Bad_ThrowsFormatExceptionSayingWhy(string location)
    {
        var ex = Assert.Throws<FormatException>(() => SourceUri.Parse(location));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Theory]
    [InlineData("s3://b/k", "s3")]
    [InlineData("HTTPS://h/x", "https")]
    [InlineData("4://x", null)]
    [InlineData("dir/a://b", null)]
    [InlineData("C:\\data\\x.tif", null)]
    [InlineData("relative.tif", null)]
    public void SchemeOf_TellsUrlsFromPaths(string location, string? scheme) => Assert.Equal(scheme, SourceUri.SchemeOf(location));

    [Fact]
    public void HeaderVariable_UppercasesTheHostWithUnderscores()
    {
        Assert.Equal("PODCACHE_HTTP_HEADER_DATA_EXAMPLE_ORG", SourceIO.HeaderVariable("data.example.org"));
        Assert.Equal("PODCACHE_HTTP_HEADER_127_0_0_1", SourceIO.HeaderVariable("127.0.0.1"));
    }
}
