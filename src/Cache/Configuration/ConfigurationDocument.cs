using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace PodCache.Cache.Configuration;

/// <summary>
/// The effective configuration as one JSON document, whatever it came from: keys spelled as
/// <see cref="ConfigurationReference"/> spells them (environment variables are upper case), values typed by their key
/// (a size, a whole number, a list) and the file's own JSON values kept as written, with where each value came from.
/// Keys the reference does not know are problems here; each layer then validates its section of <see cref="Root"/> and
/// <see cref="Fail"/> names the file, variable or flag of every problem.
/// </summary>
public sealed partial class ConfigurationDocument
{
    private static readonly Dictionary<string, SortedSet<string>> Children = BuildChildren();
    private readonly Dictionary<string, ConfigurationOrigin> _origins;

    private ConfigurationDocument(JsonObject root, Dictionary<string, ConfigurationOrigin> origins, List<string> problems)
    {
        Root = root;
        _origins = origins;
        Problems = problems;
    }

    /// <summary>The document: <c>{"cache": {...}, "limits": {...}, ...}</c>, only what some source set.</summary>
    public JsonObject Root { get; }

    /// <summary>Keys the reference does not know and values of the wrong shape, each <c>path: what is wrong</c>.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Every value set, by its path (a list by the list's path), and where it came from.</summary>
    public IReadOnlyDictionary<string, ConfigurationOrigin> Origins => _origins;

    /// <summary>A document with nothing set: every key at its default.</summary>
    public static ConfigurationDocument Empty { get; } = new([], [], []);

    /// <summary>The top-level object <paramref name="name"/>, or null when nothing in it is set.</summary>
    public JsonObject? Section(string name) => Root[name] as JsonObject;

    /// <summary>Where the value at <paramref name="path"/> (or the nearest enclosing one that was set) came from.</summary>
    public ConfigurationOrigin OriginOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string p = IndexPattern().Replace(path, "");
        while (p.Length > 0)
        {
            if (_origins.TryGetValue(p, out var origin)) return origin;
            // A section's origin is that of the first value under it.
            var under = _origins.FirstOrDefault(o => o.Key.StartsWith(p + ".", StringComparison.Ordinal));
            if (under.Value is not null) return under.Value;
            int dot = p.LastIndexOf('.');
            p = dot < 0 ? "" : p[..dot];
        }
        return ConfigurationOrigin.Default;
    }

    /// <summary>
    /// One exception for every problem in <paramref name="problems"/> (each <c>path: message</c>): one problem as
    /// <c>SOURCE: path: message</c>; several from one file as <c>FILE: N problem(s):</c> and the lines as they are;
    /// otherwise each line names its file, variable or flag.
    /// </summary>
    public ConfigurationException Fail(IReadOnlyCollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var lines = problems.Select(p => (Line: p, Origin: OriginOf(PathPattern().Match(p).Value))).ToList();
        string nl = Environment.NewLine + "  ";
        if (lines is [var single])
        {
            // One problem is one line: where it came from, its path, what is wrong.
            return new ConfigurationException(single.Origin.Kind == ConfigurationOriginKind.Default ? single.Line : $"{single.Origin}: {single.Line}");
        }
        var files = lines.Select(l => l.Origin).Distinct().ToList();
        if (files is [{ Kind: ConfigurationOriginKind.File or ConfigurationOriginKind.Default } only])
        {
            string head = only.Kind == ConfigurationOriginKind.File ? only.Name + ": " : "";
            return new ConfigurationException($"{head}{lines.Count} problem(s):{nl}" + string.Join(nl, lines.Select(l => l.Line)));
        }
        return new ConfigurationException($"{lines.Count} configuration problem(s):{nl}" + string.Join(nl, lines.Select(l =>
            l.Origin.Kind == ConfigurationOriginKind.Default ? l.Line : $"{l.Origin}: {l.Line}")));
    }

    /// <summary>Throws <see cref="Fail"/> when there is any problem.</summary>
    /// <exception cref="ConfigurationException">Some problem.</exception>
    public void ThrowIfAny(IReadOnlyCollection<string> problems)
    {
        if (problems.Count > 0) throw Fail(problems);
    }

    /// <summary>The document of a configuration file's JSON text (for code and tests that hold the text).</summary>
    /// <exception cref="ConfigurationException">Not JSON, or not an object.</exception>
    public static ConfigurationDocument FromJson(string json, string name = "podcache.json") =>
        From(new ConfigurationBuilder().Add(new PodCacheJsonFileSource(name, json)).Build());

    /// <summary>
    /// Turns <paramref name="configuration"/> (PodCache's own, from <see cref="PodCacheConfiguration.Build"/>, or an
    /// application's section such as <c>Configuration.GetSection("PodCache")</c>) into a document.
    /// </summary>
    public static ConfigurationDocument From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providers = configuration is IConfigurationRoot root ? root.Providers.Reverse().ToList() : [];
        var origins = new Dictionary<string, ConfigurationOrigin>(StringComparer.Ordinal);
        var problems = new List<string>();
        var top = new JsonObject();
        new Walker(providers, origins, problems).Walk(configuration, "", top);
        return new ConfigurationDocument(top, origins, problems);
    }

    private sealed class Walker(List<IConfigurationProvider> providers, Dictionary<string, ConfigurationOrigin> origins, List<string> problems)
    {
        public void Walk(IConfiguration node, string path, JsonObject target)
        {
            foreach (var child in node.GetChildren())
            {
                string? name = Children.GetValueOrDefault(path)?.FirstOrDefault(c => string.Equals(c, child.Key, StringComparison.OrdinalIgnoreCase));
                string childPath = Join(path, name ?? child.Key);
                if (name is null)
                {
                    origins.TryAdd(childPath, Origin(child));
                    problems.Add(path.Length == 0
                        ? $"{child.Key}: unknown section; sections are {List(Children[""])}"
                        : $"{childPath}: unknown key; {path} has {List(Children[path])}");
                    continue;
                }
                if (Children.ContainsKey(childPath))
                {
                    bool hasChildren = child.GetChildren().Any();
                    if (!hasChildren && !string.IsNullOrEmpty(child.Value))
                    {
                        origins.TryAdd(childPath, Origin(child));
                        problems.Add($"{childPath}: must be an object");
                        continue;
                    }
                    var o = new JsonObject();
                    target[name] = o;
                    if (!hasChildren) origins.TryAdd(childPath, Origin(child));
                    Walk(child, childPath, o);
                    continue;
                }
                var key = ConfigurationReference.Find(childPath)!;
                origins[childPath] = Origin(child.GetChildren().FirstOrDefault() ?? child);
                target[name] = key.Kind == ConfigurationValueKind.StringList ? ListOf(child, childPath) : Leaf(child, key.Kind);
            }
        }

        private JsonNode? ListOf(IConfigurationSection section, string path)
        {
            var items = section.GetChildren().ToList();
            if (items.Count == 0)
            {
                if (Typed(section, out var node)) return node;
                return string.IsNullOrEmpty(section.Value) ? new JsonArray() : new JsonArray(JsonValue.Create(section.Value));
            }
            var list = new JsonArray();
            foreach (var item in items.OrderBy(i => int.TryParse(i.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue))
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{path}.{item.Key}: a list's elements are numbered 0, 1, ...");
                    continue;
                }
                list.Add(Leaf(item, ConfigurationValueKind.String));
            }
            return list;
        }

        private JsonNode? Leaf(IConfigurationSection section, ConfigurationValueKind kind)
        {
            if (Typed(section, out var node)) return node;
            string? s = section.Value;
            if (s is null) return null;
            string t = s.Trim();
            return kind switch
            {
                // Parsed, not created from a long: a parsed number reads back as any numeric type, as the file's do.
                ConfigurationValueKind.Integer or ConfigurationValueKind.Size when long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => JsonNode.Parse(l.ToString(CultureInfo.InvariantCulture)),
                ConfigurationValueKind.Duration when double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) => JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture)),
                ConfigurationValueKind.Boolean when bool.TryParse(t, out bool b) => JsonValue.Create(b),
                ConfigurationValueKind.Boolean or ConfigurationValueKind.String when t.Length == 0 => null,
                _ => JsonValue.Create(s),
            };
        }

        // The file's value as written, when the file is what set it.
        private bool Typed(IConfigurationSection section, out JsonNode? node)
        {
            node = null;
            return Winner(section.Path) is PodCacheJsonFileProvider file && file.TryGetNode(section.Path, out node);
        }

        private IConfigurationProvider? Winner(string key) => providers.FirstOrDefault(p => p.TryGet(key, out _));

        private ConfigurationOrigin Origin(IConfigurationSection section)
        {
            var winner = Winner(section.Path) ?? providers.FirstOrDefault(p => p.GetChildKeys([], section.Path).Any());
            return winner switch
            {
                IConfigurationOriginProvider known => known.OriginOf(section.Path),
                null when providers.Count == 0 => new ConfigurationOrigin(ConfigurationOriginKind.Other, "configuration " + section.Path),
                null => ConfigurationOrigin.Default,
                _ => new ConfigurationOrigin(ConfigurationOriginKind.Other, $"{winner} {section.Path}"),
            };
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 1 ? all[0] : string.Join(", ", all.Take(all.Count - 1)) + " and " + all[^1];
    }

    private static Dictionary<string, SortedSet<string>> BuildChildren()
    {
        var children = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        // Sections in the reference's order would read better, but sorted lists are stable and easy to scan.
        foreach (var key in ConfigurationReference.Keys)
        {
            string[] parts = key.Path.Split('.');
            for (int i = 0; i < parts.Length; i++)
            {
                string parent = string.Join('.', parts.Take(i));
                if (!children.TryGetValue(parent, out var set))
                {
                    children[parent] = set = new SortedSet<string>(StringComparer.Ordinal);
                }
                set.Add(parts[i]);
            }
        }
        return children;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex IndexPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+|\[\d+\])*")]
    private static partial Regex PathPattern();
}
