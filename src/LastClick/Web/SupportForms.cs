using LastClick.Common;
using LastClick.Support;
using Microsoft.AspNetCore.Http;

namespace LastClick.Web;

/// <summary>The files of a support form (multipart), refused by size before they are read.</summary>
internal static class SupportForms
{
    public static async Task<IReadOnlyList<AttachmentUpload>> FilesAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return [];
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        var files = form.Files.Where(f => f.Length > 0 || f.FileName.Length > 0).ToList();
        if (files.Count > SupportService.MaxAttachments) throw ProblemException.Invalid("attachments", $"at most {SupportService.MaxAttachments} files");
        var uploads = new List<AttachmentUpload>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file.Length > SupportService.MaxAttachmentBytes) throw ProblemException.Invalid($"attachments[{i}].data", $"at most {SupportService.MaxAttachmentBytes / 1024} KB ({file.Length / 1024} KB sent)");
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
            uploads.Add(new AttachmentUpload(file.FileName, file.ContentType ?? "", buffer.ToArray()));
        }
        return uploads;
    }

    /// <summary>"About" as the form gives it: a kind and an id, both or neither.</summary>
    public static SupportAbout? About(string? kind, string? id) =>
        string.IsNullOrWhiteSpace(kind) && string.IsNullOrWhiteSpace(id) ? null
        : string.IsNullOrWhiteSpace(id) ? throw ProblemException.Invalid("about.id", "name the order, claim, payout run, link or finding")
        : new SupportAbout(string.IsNullOrWhiteSpace(kind) ? "" : kind.Trim(), id.Trim());
}
