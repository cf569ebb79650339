using System.Text.Json.Nodes;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Nodes.Algorithms.CoordSelect;

namespace PodCache.Runtime.Tests.Nodes;

public class NodeCatalogOptionalInputsTests
{
    [Fact]
    public void Describe_TypeWithOptionalInput_ListsItApart()
    {
        var json = NodeCatalog.Describe(ExpandCoordinatesNode.Type);

        Assert.Equal(new[] { "source" }, ((JsonArray)json["inputs"]!).Select(n => n!.GetValue<string>()));
        Assert.Equal(new[] { "coordinates_source" }, ((JsonArray)json["optionalInputs"]!).Select(n => n!.GetValue<string>()));
        Assert.Contains("source, [coordinates_source]", NodeCatalog.ToText(ExpandCoordinatesNode.Type), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_TypeWithoutOptionalInputs_HasNoOptionalInputsKey()
    {
        Assert.False(NodeCatalog.Describe(YearSubstituteCoordinatesNode.Type).ContainsKey("optionalInputs"));
    }
}
