namespace LastClick.Pages.Publisher;

internal static class PublisherPages;
