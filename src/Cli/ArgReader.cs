namespace PodCache.Cli;

/// <summary>
/// A small, strict command-line reader: positionals, <c>--name value</c>, <c>--name=value</c> and flags. Unknown
/// options are errors, so typos never pass silently.
/// </summary>
internal sealed class ArgReader
{
    private readonly List<string> _positionals = [];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    public ArgReader(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                _positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                if (flags.Contains(name))
                {
                    if (value is not null) throw new UsageException($"--{name} takes no value");
                    Add(name, "true");
                    continue;
                }
                if (!valueOptions.Contains(name))
                {
                    var known = valueOptions.Concat(flags).Order(StringComparer.Ordinal).Select(o => "--" + o);
                    throw new UsageException($"unknown option --{name}; options here: {string.Join(", ", known)}");
                }
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"--{name} needs a value");
                    }
                    value = args[++i];
                }
                Add(name, value);
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var list))
        {
            _options[name] = list = [];
        }
        list.Add(value);
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public string? Get(string name)
    {
        if (!_options.TryGetValue(name, out var list)) return null;
        if (list.Count > 1) throw new UsageException($"--{name} is given more than once");
        return list[0];
    }

    public IReadOnlyList<string> GetAll(string name) => _options.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _options.ContainsKey(name);

    public string Require(string name, string what) =>
        Get(name) ?? throw new UsageException($"--{name} is required: {what}");

    public string Positional(int index, string what)
    {
        if (index >= _positionals.Count) throw new UsageException($"missing {what}");
        return _positionals[index];
    }

    public void NoMorePositionals(int count)
    {
        if (_positionals.Count > count) throw new UsageException($"unexpected argument '{_positionals[count]}'");
    }
}
