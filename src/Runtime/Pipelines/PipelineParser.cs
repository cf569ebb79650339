using System.Text.Json.Nodes;
using PodCache.Cache;
using PodCache.Cache.Configuration;
using PodCache.Cache.Expiry;
using PodCache.Runtime.Execution;
using PodCache.Runtime.Json;
using PodCache.Runtime.Nodes;

namespace PodCache.Runtime.Pipelines;

/// <summary>PODPAC pipeline JSON → <see cref="Pipeline"/>, collecting every problem (SEMANTICS §1).</summary>
internal static class PipelineParser
{
    private static readonly HashSet<string> NodeKeys = ["node", "attrs", "inputs", "lookup_attrs", "plugin", "style", "style_class", "cache"];

    private sealed class Draft
    {
        public required string Ref { get; init; }
        public required JsonObject Definition { get; init; }
        public NodeType? Type { get; set; }
        public List<PipelineInput> Inputs { get; } = [];
        public Dictionary<string, string> Lookups { get; } = new(StringComparer.Ordinal);
        /// <summary>Empty <c>{}</c> / <c>[]</c> entries of <c>inputs</c>, which PODPAC passes on as attrs of that name.</summary>
        public Dictionary<string, JsonNode> InputAttrs { get; } = new(StringComparer.Ordinal);
        public EntryOptions Cache { get; set; } = EntryOptions.Default;
        public bool Broken { get; set; }
        public NodeBuildContext? Context { get; set; }
        public PipelineNode? Built { get; set; }
    }

    public static Pipeline Parse(string json, NodeRegistry registry, string? source, RuntimeLimits? limits = null, string? baseDirectory = null)
    {
        limits ??= RuntimeLimits.Default;
        if (json.Length > limits.MaxDocumentBytes)
        {
            throw new PipelineException([PipelineError.InPipeline("", DocumentTooLarge(json.Length, limits))], source);
        }
        JsonNode? root;
        IReadOnlyList<LenientJson.JsonProblem> dups;
        try
        {
            root = LenientJson.Parse(json, out dups, limits.MaxJsonDepth);
        }
        catch (LenientJson.DepthException ex)
        {
            throw new PipelineException([PipelineError.InPipeline(ex.Path, ex.Problem)], source);
        }
        catch (LenientJson.SyntaxException ex)
        {
            throw new PipelineException([PipelineError.InPipeline("", "malformed JSON: " + ex.Message)], source);
        }
        if (root is not JsonObject obj)
        {
            throw new PipelineException([PipelineError.InPipeline("", "a pipeline must be a JSON object of node definitions")], source);
        }
        return FromJson(obj, registry, source, dups, limits, baseDirectory);
    }

    /// <summary>The message for a document longer than <see cref="RuntimeLimits.MaxDocumentBytes"/>.</summary>
    internal static string DocumentTooLarge(long length, RuntimeLimits limits) =>
        $"the document is larger than {ByteSize.Format(limits.MaxDocumentBytes)} ({length:N0} characters; limits.maxDocumentBytes)";

    public static Pipeline FromJson(JsonObject root, NodeRegistry registry, string? source, IReadOnlyList<LenientJson.JsonProblem> dups,
        RuntimeLimits? limits = null, string? baseDirectory = null)
    {
        limits ??= RuntimeLimits.Default;
        int nodeCount = root.Count(kv => kv.Key is not ("podpac_output_node" or "podpac_version"));
        if (nodeCount > limits.MaxNodes)
        {
            // Checked before any node is read: the work below is per node.
            throw new PipelineException([PipelineError.InPipeline("", $"the pipeline has {nodeCount:N0} nodes; at most {limits.MaxNodes:N0} are allowed (limits.maxNodes)")], source);
        }
        if (LegacyForms.Find(root, registry) is { } legacy)
        {
            // One message naming the old format and the conversion, not one error per key of a format PODPAC 4 rejects.
            throw new PipelineException([legacy], source);
        }
        var errors = new ErrorSink(ErrorDocument.Pipeline);
        foreach (var d in dups)
        {
            bool topLevel = !d.Path.Contains('.', StringComparison.Ordinal);
            errors.Add(d.Path,
                topLevel ? $"duplicate ref '{d.Path}'" : d.Message);
        }

        string? outputRef = null;
        var drafts = new List<Draft>();
        var byRef = new Dictionary<string, Draft>(StringComparer.Ordinal);
        foreach (var kv in root)
        {
            if (kv.Key == "podpac_output_node")
            {
                if (!JsonNumbers.TryGetString(kv.Value, out var o))
                {
                    errors.Add("podpac_output_node", "must be the ref of a node");
                }
                else
                {
                    outputRef = o;
                }
                continue;
            }
            if (kv.Key == "podpac_version")
            {
                continue;
            }
            string path = kv.Key;
            if (kv.Value is not JsonObject def)
            {
                errors.Add(path, "a node definition must be an object with a 'node' key");
                continue;
            }
            var draft = new Draft { Ref = kv.Key, Definition = def };
            drafts.Add(draft);
            byRef[kv.Key] = draft;
        }
        if (drafts.Count == 0 && !errors.HasErrors)
        {
            errors.Add("", "the pipeline has no nodes");
        }

        foreach (var d in drafts)
        {
            ReadDefinition(d, registry, byRef, errors, limits);
        }

        var order = CreationOrder(drafts, byRef, errors);

        foreach (var d in order)
        {
            Build(d, byRef, errors, limits, baseDirectory);
        }

        if (outputRef is not null && !byRef.ContainsKey(outputRef))
        {
            errors.Add("podpac_output_node", $"unknown ref '{outputRef}'");
        }
        errors.ThrowIfAny(source);

        // PODPAC returns the node created last (first creation), which differs from document order with forward refs.
        outputRef ??= order[^1].Ref;
        var definition = (JsonObject)root.DeepClone();
        definition.Remove("podpac_output_node");
        definition["podpac_output_node"] = outputRef;
        return new Pipeline(drafts.Select(d => d.Built!).ToArray(), outputRef, definition);
    }

    private static void ReadDefinition(Draft d, NodeRegistry registry, Dictionary<string, Draft> byRef, ErrorSink errors, RuntimeLimits limits)
    {
        string path = d.Ref;
        int before = errors.Count;
        foreach (var kv in d.Definition)
        {
            if (!NodeKeys.Contains(kv.Key))
            {
                string hint = AttrValidator.Closest(kv.Key, [.. NodeKeys]) is { } close ? $"; did you mean '{close}'?" : "";
                errors.Add($"{path}.{kv.Key}", "unknown key"
                    + errors.Once("node keys", "; a node has 'node', 'attrs', 'inputs', 'lookup_attrs', 'plugin', 'style' and 'cache'") + hint);
            }
        }
        bool nodeNamed = JsonNumbers.TryGetString(d.Definition["node"], out var typeName);
        bool foreignPlugin = false;
        if (d.Definition.ContainsKey("plugin"))
        {
            // PODPAC imports PLUGIN.NODE in place of podpac.NODE: a plugin naming a module PodCache implements (podpac's own,
            // or podpacdatalib, where PODPAC 4 writes its datalib nodes) is just a longer name.
            if (nodeNamed && JsonNumbers.TryGetString(d.Definition["plugin"], out var plugin) && WithPlugin(plugin, typeName) is var full
                && (registry.TryResolve(full, out _) || registry.TryGetUnsupported(full, out _)))
            {
                typeName = full;
            }
            else
            {
                foreignPlugin = true;
                errors.Add($"{path}.plugin", JsonNumbers.TryGetString(d.Definition["plugin"], out var named)
                    ? $"'{named}' is a Python module PODPAC imports node classes from; PodCache runs no Python code, so only PODPAC's own modules and podpacdatalib can be named"
                    : "must be the name of a module, such as \"podpacdatalib.terraintiles\"");
            }
        }
        if (foreignPlugin)
        {
            // The class lives in that module; whether PodCache knows its name says nothing.
        }
        else if (!nodeNamed)
        {
            errors.Add($"{path}.node", d.Definition.ContainsKey("node") ? "must be a node type name such as \"algorithm.Arithmetic\"" : "missing: each node needs a 'node' type");
        }
        else if (registry.TryGetUnsupported(typeName, out var unsupported))
        {
            errors.Add($"{path}.node", unsupported.Message(typeName));
        }
        else if (!registry.TryResolve(typeName, out var type))
        {
            if (PodpacNames.ClassOf(typeName) is { } podpacClass)
            {
                errors.Add($"{path}.node", $"'{typeName}' is PODPAC's {podpacClass}; PodCache does not implement it yet (podcache nodes lists the nodes it runs)");
            }
            else
            {
                var hints = registry.Suggest(typeName).ToArray();
                errors.Add($"{path}.node", $"unknown node type '{typeName}'" + (hints.Length > 0 ? $"; did you mean {string.Join(" or ", hints)}?" : ""));
            }
        }
        else
        {
            d.Type = type;
        }
        if (d.Definition["attrs"] is { } attrs && attrs is not JsonObject)
        {
            errors.Add($"{path}.attrs", "must be an object");
        }
        if (d.Definition["style"] is { } style && style is not JsonObject)
        {
            errors.Add($"{path}.style", "must be an object");
        }
        if (d.Definition["inputs"] is JsonObject given && InputCount(given) is var count && count > limits.MaxInputsPerNode)
        {
            errors.Add($"{path}.inputs", $"{count:N0} inputs; a node may read at most {limits.MaxInputsPerNode:N0} (limits.maxInputsPerNode)");
        }
        else
        {
            ReadInputs(d, path, byRef, errors);
        }
        ReadLookups(d, path, byRef, errors);
        CheckMissingInputs(d, path, errors);
        ReadCache(d, path, errors);
        if (errors.Count > before)
        {
            d.Broken = true;
        }
    }

    private static void ReadInputs(Draft d, string path, Dictionary<string, Draft> byRef, ErrorSink errors)
    {
        var node = d.Definition["inputs"];
        if (node is null)
        {
            return;
        }
        if (node is not JsonObject inputs)
        {
            errors.Add($"{path}.inputs", "must be an object of input name → ref");
            return;
        }
        var spec = d.Type?.Inputs;
        foreach (var kv in inputs)
        {
            string ip = $"{path}.inputs.{kv.Key}";
            if (spec is not null)
            {
                if (spec.AnyNames)
                {
                    if (spec.Names.Contains(kv.Key))
                    {
                        errors.Add(ip, $"'{kv.Key}' cannot be an input name of {d.Type!.Name}");
                        continue;
                    }
                    if (!IsIdentifier(kv.Key))
                    {
                        errors.Add(ip, $"'{kv.Key}' is not a valid input name (letters, digits and '_', not starting with a digit)");
                        continue;
                    }
                }
                else if (!spec.Names.Contains(kv.Key) && !spec.Optional.Contains(kv.Key) && !(kv.Value is JsonObject { Count: 0 } or JsonArray { Count: 0 } && d.Type!.Attrs.Any(a => a.Name == kv.Key)))
                {
                    errors.Add(ip, spec.Names.Count == 0
                        ? $"unknown input; {d.Type!.Name} takes no inputs"
                        : $"unknown input; {d.Type!.Name} takes {string.Join(", ", spec.Names.Concat(spec.Optional))}");
                    continue;
                }
            }
            if (kv.Value is JsonObject { Count: 0 } or JsonArray { Count: 0 } && d.Type is { } owner && owner.Attrs.Any(a => a.Name == kv.Key))
            {
                // PODPAC 2.x wrote some attrs under "inputs"; an empty {} or [] there reaches the node as that attr's value.
                if (d.Definition["attrs"] is JsonObject a && a.ContainsKey(kv.Key))
                {
                    errors.Add(ip, $"'{kv.Key}' is given in both 'inputs' and 'attrs'");
                }
                else
                {
                    d.InputAttrs[kv.Key] = kv.Value.DeepClone();
                }
                continue;
            }
            if (JsonNumbers.TryGetString(kv.Value, out var r))
            {
                if (spec is { SourcesList: true })
                {
                    errors.Add(ip, "must be a list of refs");
                    continue;
                }
                if (!byRef.ContainsKey(r))
                {
                    errors.Add(ip, $"unknown ref '{r}'");
                    continue;
                }
                d.Inputs.Add(new PipelineInput(kv.Key, [r], false));
            }
            else if (kv.Value is JsonArray list)
            {
                if (spec is { SourcesList: false })
                {
                    errors.Add(ip, "must be one ref, not a list");
                    continue;
                }
                var refs = new List<string>();
                for (int i = 0; i < list.Count; i++)
                {
                    if (!JsonNumbers.TryGetString(list[i], out var lr))
                    {
                        errors.Add($"{ip}[{i}]", "must be a ref (a string)");
                    }
                    else if (!byRef.ContainsKey(lr))
                    {
                        errors.Add($"{ip}[{i}]", $"unknown ref '{lr}'");
                    }
                    else
                    {
                        refs.Add(lr);
                    }
                }
                if (list.Count == 0)
                {
                    errors.Add(ip, "the list of sources is empty");
                }
                else if (refs.Count == list.Count)
                {
                    d.Inputs.Add(new PipelineInput(kv.Key, refs, true));
                }
            }
            else
            {
                errors.Add(ip, kv.Value is JsonObject
                    ? "an object of refs is not supported; use a ref or a list of refs"
                    : $"must be a ref (a string), not {JsonNumbers.Describe(kv.Value)}");
            }
        }
    }

    /// <summary>After <c>inputs</c> and <c>lookup_attrs</c> (a lookup naming a whole node is an input too).</summary>
    private static void CheckMissingInputs(Draft d, string path, ErrorSink errors)
    {
        if (d.Type is not { Inputs: { AnyNames: false } spec } || d.Definition["inputs"] is not (null or JsonObject))
        {
            return;
        }
        var given = d.Definition["inputs"] as JsonObject;
        foreach (var name in spec.Names)
        {
            if (given?.ContainsKey(name) != true && !d.Inputs.Any(i => i.Name == name))
            {
                errors.Add($"{path}.inputs", $"missing input '{name}'");
            }
        }
    }

    /// <summary>PODPAC's PLUGIN.NODE, with the root package <c>podpac.</c> dropped as in every PodCache name.</summary>
    private static string WithPlugin(string plugin, string node)
    {
        string full = plugin.Length == 0 ? node : plugin + "." + node;
        return full.StartsWith("podpac.", StringComparison.Ordinal) ? full["podpac.".Length..] : full;
    }

    private static long InputCount(JsonObject inputs)
    {
        long n = 0;
        foreach (var kv in inputs)
        {
            n += kv.Value is JsonArray list ? list.Count : 1;
        }
        return n;
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static void ReadLookups(Draft d, string path, Dictionary<string, Draft> byRef, ErrorSink errors)
    {
        var node = d.Definition["lookup_attrs"];
        if (node is null) return;
        if (node is not JsonObject lookups)
        {
            errors.Add($"{path}.lookup_attrs", "must be an object of attr → \"ref.attr\"");
            return;
        }
        foreach (var kv in lookups)
        {
            string lp = $"{path}.lookup_attrs.{kv.Key}";
            if (JsonNumbers.TryGetString(kv.Value, out var whole) && byRef.ContainsKey(whole))
            {
                // A lookup naming a whole node gives the node itself: PODPAC's way of writing an input.
                if (d.Type is { } t && !t.Inputs.AnyNames && !t.Inputs.Names.Contains(kv.Key) && !t.Inputs.Optional.Contains(kv.Key))
                {
                    errors.Add(lp, $"names the whole node '{whole}', which makes it an input, but {t.Name} has no input '{kv.Key}'"
                        + (t.Inputs.Names.Count > 0 ? $" (its inputs: {string.Join(", ", t.Inputs.Names.Concat(t.Inputs.Optional))})" : " (it takes no inputs)"));
                }
                else if (d.Inputs.Any(i => i.Name == kv.Key))
                {
                    errors.Add(lp, $"input '{kv.Key}' is given in both 'inputs' and 'lookup_attrs'");
                }
                else
                {
                    d.Inputs.Add(new PipelineInput(kv.Key, [whole], false));
                }
                continue;
            }
            if (!JsonNumbers.TryGetString(kv.Value, out var target) || !target.Contains('.', StringComparison.Ordinal))
            {
                errors.Add(lp, "must be \"ref\" (a whole node, as an input) or \"ref.attr\" (one of its attrs)");
                continue;
            }
            string targetRef = target[..target.IndexOf('.', StringComparison.Ordinal)];
            if (!byRef.ContainsKey(targetRef))
            {
                errors.Add(lp, $"unknown ref '{targetRef}'");
                continue;
            }
            if (d.Definition["attrs"] is JsonObject a && a.ContainsKey(kv.Key))
            {
                errors.Add(lp, $"attr '{kv.Key}' is given in both 'attrs' and 'lookup_attrs'");
                continue;
            }
            d.Lookups[kv.Key] = target;
        }
    }

    private static void ReadCache(Draft d, string path, ErrorSink errors)
    {
        var node = d.Definition["cache"];
        if (node is null) return;
        string cp = $"{path}.cache";
        if (node is not JsonObject cache)
        {
            errors.Add(cp, "must be an object {\"enabled\", \"tiers\", \"expires\"}");
            return;
        }
        bool enabled = true;
        IReadOnlyList<string>? tiers = null;
        ExpiryRule? expires = null;
        foreach (var kv in cache)
        {
            switch (kv.Key)
            {
                case "enabled":
                    if (kv.Value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
                    {
                        enabled = v.GetValue<bool>();
                    }
                    else
                    {
                        errors.Add($"{cp}.enabled", "must be true or false");
                    }
                    break;
                case "tiers":
                    if (kv.Value is JsonArray arr)
                    {
                        var list = new List<string>();
                        for (int i = 0; i < arr.Count; i++)
                        {
                            if (!JsonNumbers.TryGetString(arr[i], out var t) || !TierNames.IsKnown(t))
                            {
                                errors.Add($"{cp}.tiers[{i}]", $"unknown tier {JsonNumbers.Describe(arr[i])}; tiers are \"ram\", \"disk\" and \"s3\"");
                            }
                            else
                            {
                                list.Add(t);
                            }
                        }
                        tiers = list;
                    }
                    else
                    {
                        errors.Add($"{cp}.tiers", "must be a list of tier names");
                    }
                    break;
                case "expires":
                    if (kv.Value is null)
                    {
                        break;
                    }
                    if (!JsonNumbers.TryGetString(kv.Value, out var e) || !ExpiryRule.TryParse(e, out expires, out var why))
                    {
                        errors.Add($"{cp}.expires", JsonNumbers.TryGetString(kv.Value, out _) ? ExpiryWhy(kv.Value) : "must be a string such as \"PT6H\", \"12,h\" or an ISO datetime");
                    }
                    break;
                default:
                    errors.Add($"{cp}.{kv.Key}", "unknown key; cache settings are 'enabled', 'tiers' and 'expires'");
                    break;
            }
        }
        d.Cache = new EntryOptions { Enabled = enabled, Tiers = tiers, Expires = expires };
    }

    private static string ExpiryWhy(JsonNode? node)
    {
        ExpiryRule.TryParse(node!.GetValue<string>(), out _, out var why);
        return why ?? "invalid expiry";
    }

    private static List<Draft> CreationOrder(List<Draft> drafts, Dictionary<string, Draft> byRef, ErrorSink errors)
    {
        var order = new List<Draft>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = in progress, 2 = done
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<string>();
        // Depth-first with an explicit stack of (node, its input refs, next one to visit): a long chain must not
        // recurse once per node. The order is the recursive visit's: inputs first, in the order they are listed.
        var frames = new Stack<(Draft Draft, string[] Refs, int Next)>();

        bool Enter(Draft d)
        {
            if (state.TryGetValue(d.Ref, out var s))
            {
                if (s == 1)
                {
                    int at = stack.IndexOf(d.Ref);
                    var cycle = stack.Skip(at).Append(d.Ref).ToArray();
                    foreach (var r in cycle) byRef[r].Broken = true;
                    if (reported.Add(string.Join(",", cycle.Order(StringComparer.Ordinal).Distinct())))
                    {
                        errors.Add($"{d.Ref}.inputs", $"cycle: {string.Join(" -> ", cycle)}");
                    }
                }
                return false;
            }
            state[d.Ref] = 1;
            stack.Add(d.Ref);
            frames.Push((d, d.Inputs.SelectMany(i => i.Refs).ToArray(), 0));
            return true;
        }

        foreach (var root in drafts)
        {
            if (!Enter(root)) continue;
            while (frames.Count > 0)
            {
                var (d, refs, next) = frames.Pop();
                if (next < refs.Length)
                {
                    frames.Push((d, refs, next + 1));
                    Enter(byRef[refs[next]]);
                    continue;
                }
                stack.RemoveAt(stack.Count - 1);
                state[d.Ref] = 2;
                order.Add(d);
            }
        }
        return order;
    }

    /// <summary>
    /// PODPAC's <c>find_coordinates</c> of a built node: a source's own coordinates; for other nodes their inputs'
    /// lists concatenated in input order (duplicates kept, as PODPAC does), so a node without inputs (Arange) has
    /// none. Null when a node in the way cannot say without reading its data (file sources).
    /// </summary>
    private static List<Coordinates>? AvailableCoordinates(Draft d, Dictionary<string, Draft> byRef)
    {
        if (d.Built is not { } built)
        {
            return null;
        }
        if (built.Implementation.OwnCoordinates is { } own)
        {
            return [own];
        }
        if (built.Type.Inputs.Names.Count == 0 && built.Type.Inputs.Optional.Count == 0 && !built.Type.Inputs.AnyNames)
        {
            return built.Type.Name.StartsWith("data.", StringComparison.Ordinal) || built.Type.Name.StartsWith("datalib.", StringComparison.Ordinal)
                ? null
                : [];
        }
        var all = new List<Coordinates>();
        foreach (var input in d.Inputs)
        {
            foreach (var r in input.Refs)
            {
                if (AvailableCoordinates(byRef[r], byRef) is not { } list)
                {
                    return null;
                }
                all.AddRange(list);
            }
        }
        return all;
    }

    private static void Build(Draft d, Dictionary<string, Draft> byRef, ErrorSink errors, RuntimeLimits limits, string? baseDirectory)
    {
        if (d.Type is null)
        {
            return;
        }
        string path = d.Ref;
        var slots = d.Inputs.SelectMany(i => i.Slots).ToArray();
        var ctx = new NodeBuildContext(d.Type, d.Ref, path, slots, errors, limits, baseDirectory)
        {
            AvailableCoordinatesOf = slot => d.Inputs.FirstOrDefault(i => i.Slots.Contains(slot)) is { } input
                ? AvailableCoordinates(byRef[input.Refs[input.Slots.ToList().IndexOf(slot)]], byRef)
                : null,
        };
        d.Context = ctx;
        var given = d.Definition["attrs"] as JsonObject;
        if (d.InputAttrs.Count > 0)
        {
            given = given is null ? new JsonObject() : (JsonObject)given.DeepClone();
            foreach (var (attr, value) in d.InputAttrs)
            {
                given[attr] = value.DeepClone();
                ctx.AttrOrigins[attr] = ($"inputs.{attr}", "");
            }
        }
        if (d.Lookups.Count > 0)
        {
            given = given is null ? new JsonObject() : (JsonObject)given.DeepClone();
            foreach (var (attr, target) in d.Lookups)
            {
                var parts = target.Split('.');
                var source = byRef[parts[0]];
                if (source.Context is null)
                {
                    errors.Add($"{path}.lookup_attrs.{attr}",
                        $"'{parts[0]}' is not created before '{d.Ref}' (lookup_attrs cannot look forward) or is invalid");
                    d.Broken = true;
                    continue;
                }
                JsonNode? value = (source.Definition["attrs"] as JsonObject)?[parts[1]] ?? source.Context.Attrs[parts[1]];
                bool found = (source.Definition["attrs"] as JsonObject)?.ContainsKey(parts[1]) == true || source.Context.Attrs.ContainsKey(parts[1]);
                for (int i = 2; i < parts.Length && found; i++)
                {
                    found = value is JsonObject o && o.ContainsKey(parts[i]);
                    value = found ? ((JsonObject)value!)[parts[i]] : null;
                }
                if (!found)
                {
                    errors.Add($"{path}.lookup_attrs.{attr}", $"'{target}' names no attr");
                    d.Broken = true;
                    continue;
                }
                given[attr] = value?.DeepClone();
                ctx.AttrOrigins[attr] = ($"lookup_attrs.{attr}", $" (the value of '{target}')");
            }
        }
        AttrValidator.Validate(d.Type, given, ctx);
        if (d.Broken || ctx.HasErrors)
        {
            return;
        }
        Node? impl;
        try
        {
            impl = d.Type.Factory(ctx);
        }
        catch (ArgumentException ex)
        {
            ctx.Error(null, ex.Message);
            return;
        }
        if (impl is null || ctx.HasErrors)
        {
            if (!ctx.HasErrors) ctx.Error(null, "invalid node");
            return;
        }
        d.Built = new PipelineNode(d.Ref, d.Type, impl, ctx.Attrs, d.Inputs, d.Cache, d.Definition) { Sources = [.. ctx.Sources] };
    }
}
