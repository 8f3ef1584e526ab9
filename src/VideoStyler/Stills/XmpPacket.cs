using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace VideoStyler.Stills;

/// <summary>
/// A minimal XMP packet for the AI-stylized marking: dc:description holds the marking text,
/// xmp:CreatorTool the tool and version, and Iptc4xmpExt:DigitalSourceType the IPTC code for media
/// made by changing a picture with a trained model ("compositeWithTrainedAlgorithmicMedia"), which
/// photo tools and content-credential checkers read.
/// </summary>
internal static class XmpPacket
{
    public const string DigitalSourceType = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    public static byte[] Build(string marking, string creatorTool)
    {
        var text = $"""
            <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about=""
                xmlns:dc="http://purl.org/dc/elements/1.1/"
                xmlns:xmp="http://ns.adobe.com/xap/1.0/"
                xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
                xmp:CreatorTool="{SecurityElement.Escape(creatorTool)}"
                Iptc4xmpExt:DigitalSourceType="{DigitalSourceType}">
               <dc:description>
                <rdf:Alt>
                 <rdf:li xml:lang="x-default">{SecurityElement.Escape(marking)}</rdf:li>
                </rdf:Alt>
               </dc:description>
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="r"?>
            """;
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The dc:description text of an XMP packet, or null (not XMP, or no description).</summary>
    public static string? ReadDescription(byte[] packet)
    {
        try
        {
            var text = Encoding.UTF8.GetString(packet).TrimStart('\uFEFF');
            var start = text.IndexOf("<x:xmpmeta", StringComparison.Ordinal);
            var end = text.LastIndexOf("</x:xmpmeta>", StringComparison.Ordinal);
            if (start < 0 || end < start)
            {
                return null;
            }

            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(text[start..(end + "</x:xmpmeta>".Length)]), settings);
            var document = XDocument.Load(reader);
            return document.Descendants(Dc + "description").Descendants(Rdf + "li").FirstOrDefault()?.Value;
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
