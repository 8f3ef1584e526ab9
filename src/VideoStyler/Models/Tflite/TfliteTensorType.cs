namespace VideoStyler.Models.Tflite;

/// <summary>TFLite's TensorType enum (schema.fbs); only the values the importer can meet are named.</summary>
internal enum TfliteTensorType : sbyte
{
    Float32 = 0,
    Float16 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
    Float64 = 10,
}
