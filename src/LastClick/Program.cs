using System.Globalization;
using LastClick.Cli;

// Everything but a dashboard page (which takes its reader's language) writes and reads numbers and dates one way,
// whatever the machine's locale: CSV, JSON, bank files and logs never get a decimal comma.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

return LastClickCli.Run(args, Console.Out, Console.Error);
