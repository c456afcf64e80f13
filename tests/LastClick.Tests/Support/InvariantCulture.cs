using System.Globalization;
using System.Runtime.CompilerServices;

namespace LastClick.Tests.Support;

/// <summary>Both test assemblies (Core.Tests links this file) run as the executable does (Program.cs): invariant everywhere but a dashboard page, whatever the machine's locale.</summary>
internal static class InvariantCulture
{
    [ModuleInitializer]
    internal static void Set()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
