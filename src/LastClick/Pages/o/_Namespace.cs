namespace LastClick.Pages.Operators;

internal static class OperatorPages;
