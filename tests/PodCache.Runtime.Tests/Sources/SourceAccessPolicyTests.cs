using CsCheck;
using PodCache.Runtime.Sources;
using PodCache.Runtime.Tests.Raster;

namespace PodCache.Runtime.Tests.Sources;

/// <summary>Files are judged by where they really lead (links followed, ".." both ways), URLs by prefix.</summary>
public sealed class SourceAccessPolicyTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _root;
    private readonly string _outside;

    public SourceAccessPolicyTests()
    {
        _root = Path.Combine(_tmp.Path, "root");
        _outside = Path.Combine(_tmp.Path, "outside");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_root, "in.tif"), "x");
        File.WriteAllText(Path.Combine(_outside, "out.tif"), "x");
        File.CreateSymbolicLink(Path.Combine(_root, "out-link.tif"), Path.Combine(_outside, "out.tif"));
        File.CreateSymbolicLink(Path.Combine(_root, "in-link.tif"), "in.tif");
        File.CreateSymbolicLink(Path.Combine(_root, "chain.tif"), "out-link.tif");
        File.CreateSymbolicLink(Path.Combine(_root, "loop-a"), "loop-b");
        File.CreateSymbolicLink(Path.Combine(_root, "loop-b"), "loop-a");
        Directory.CreateSymbolicLink(Path.Combine(_root, "dir-out"), _outside);
        // Lexically "root/sub/deep-link/../x" is root/sub/x; the OS goes to the parent of the link's target instead.
        Directory.CreateSymbolicLink(Path.Combine(_root, "sub", "deep-link"), Path.Combine(_outside));
    }

    public void Dispose() => _tmp.Dispose();

    private SourceAccessPolicy Policy(string[]? urls = null) => SourceAccessPolicy.Create([_root], urls ?? []);

    [Theory]
    [InlineData("in.tif")]
    [InlineData("in-link.tif")]
    [InlineData("sub/../in.tif")]
    [InlineData("sub/not-there-yet.tif")]
    [InlineData("./in.tif")]
    public void Refuse_InsideTheRoot_Allowed(string relative)
    {
        Assert.Null(Policy().Refuse(Path.Combine(_root, relative)));
    }

    [Theory]
    [InlineData("out-link.tif")]
    [InlineData("chain.tif")]
    [InlineData("dir-out/out.tif")]
    [InlineData("dir-out/missing.tif")]
    [InlineData("../outside/out.tif")]
    [InlineData("../outside/missing.tif")]
    [InlineData("sub/../../outside/out.tif")]
    [InlineData("sub/deep-link/../outside/out.tif")]
    [InlineData("loop-a")]
    [InlineData("../root-sibling/x.tif")]
    public void Refuse_LeadsOutside_SameReasonWhetherOrNotItExists(string relative)
    {
        Assert.Equal(SourceAccessPolicy.OutsideRoots, Policy().Refuse(Path.Combine(_root, relative)));
    }

    [Fact]
    public void Refuse_RootPrefixOfAnotherDirectory_NotInside()
    {
        Directory.CreateDirectory(_root + "-evil");
        Assert.Equal(SourceAccessPolicy.OutsideRoots, Policy().Refuse(_root + "-evil/x.tif"));
        Assert.Equal(SourceAccessPolicy.OutsideRoots, Policy().Refuse("/etc/passwd"));
        Assert.Equal(SourceAccessPolicy.OutsideRoots, Policy().Refuse("file:///etc/passwd"));
        Assert.Null(Policy().Refuse(new Uri(Path.Combine(_root, "in.tif")).AbsoluteUri));
    }

    [Theory]
    [InlineData("https://data.example.org/dem/a.tif", null)]
    [InlineData("https://DATA.example.org/dem/a.tif", null)]
    [InlineData("https://data.example.org/dem", null)]
    [InlineData("https://data.example.org/demo/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("https://data.example.org/dem/../secret", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("https://data.example.org.evil.com/dem/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("https://data.example.org@evil.com/dem/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("https://user:pw@data.example.org/dem/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("http://data.example.org/dem/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("https://data.example.org:8443/dem/a.tif", SourceAccessPolicy.UrlNotAllowed)]
    [InlineData("s3://bucket/k", SourceAccessPolicy.UrlNotAllowed)]
    public void Refuse_Url_AllowedOnlyUnderAPrefix(string url, string? expected)
    {
        Assert.Equal(expected, Policy(["https://data.example.org/dem"]).Refuse(url));
    }

    [Fact]
    public void Refuse_NoUrlPrefixes_EveryUrlRefused_NullPrefixesAllowEvery()
    {
        Assert.Equal(SourceAccessPolicy.UrlNotAllowed, Policy().Refuse("https://data.example.org/a.tif"));
        Assert.Null(SourceAccessPolicy.Create([_root], null).Refuse("https://anything.example/a.tif"));
        Assert.Null(SourceAccessPolicy.Create(null, []).Refuse("/etc/passwd"));
        Assert.Null(SourceAccessPolicy.AllowAll.Refuse("/etc/passwd"));
    }

    [Fact]
    public void Create_RootNotADirectory_Throws()
    {
        Assert.Throws<ArgumentException>(() => SourceAccessPolicy.Create([Path.Combine(_root, "in.tif")], []));
        Assert.Throws<ArgumentException>(() => SourceAccessPolicy.Create([Path.Combine(_root, "nope")], []));
        Assert.Throws<ArgumentException>(() => SourceAccessPolicy.Create([_root], ["ftp://x/"]));
    }

    [Fact]
    public void Refuse_AnyPathString_NeverThrows_AllowedOnlyIfTheResolvedPathIsUnderTheRoot()
    {
        var policy = Policy();
        var segment = Gen.OneOf(Gen.Const(".."), Gen.Const("."), Gen.Const("sub"), Gen.Const("dir-out"), Gen.Const("out-link.tif"),
            Gen.Const("in.tif"), Gen.Const("loop-a"), Gen.Const(""), Gen.String[0, 4]);
        Gen.Select(Gen.Bool, segment.Array[0, 6]).Sample((absolute, parts) =>
        {
            string path = (absolute ? _root + "/" : "") + string.Join('/', parts);
            string? reason = policy.Refuse(path);
            if (reason is null)
            {
                // Allowed: both the lexical and the physical reading really end under the root.
                string? real = SourceAccessPolicy.RealPath(path);
                string? physical = SourceAccessPolicy.PhysicalPath(path);
                return real is not null && physical is not null && (real + "/").StartsWith(_root + "/", StringComparison.Ordinal)
                    && (physical + "/").StartsWith(_root + "/", StringComparison.Ordinal);
            }
            return reason == SourceAccessPolicy.OutsideRoots;
        }, iter: 2_000);
    }
}
