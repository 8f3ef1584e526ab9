using System.Runtime.InteropServices;

namespace VideoStyler.Stylize.Providers;

/// <summary>
/// What the NVIDIA driver says through its own library (libcuda.so.1, already loaded): the CUDA
/// version it supports, whether it starts (cuInit) and the devices it sees. Called through function
/// pointers, so nothing here is needed (or touched) on machines without the driver.
/// </summary>
internal sealed record CudaDriver(int CudaVersion, int DeviceCount, string? DeviceName, string? Error)
{
    /// <summary>The lowest driver CUDA version a CUDA 13 build runs on (13.0 = 13000).</summary>
    public const int RequiredVersion = 13000;

    /// <summary>"13.0" for 13000.</summary>
    public string VersionText => $"{CudaVersion / 1000}.{CudaVersion % 1000 / 10}";

    /// <summary>Queries the driver loaded as <paramref name="handle"/>.</summary>
    public static unsafe CudaDriver Query(IntPtr handle)
    {
        if (!NativeLibrary.TryGetExport(handle, "cuDriverGetVersion", out var getVersion)
            || !NativeLibrary.TryGetExport(handle, "cuInit", out var init)
            || !NativeLibrary.TryGetExport(handle, "cuDeviceGetCount", out var getCount))
        {
            return new CudaDriver(0, 0, null, "libcuda.so.1 lacks the CUDA driver API (cuInit, cuDriverGetVersion)");
        }

        var version = 0;
        var status = ((delegate* unmanaged<int*, int>)getVersion)(&version);
        if (status != 0)
        {
            return new CudaDriver(0, 0, null, $"cuDriverGetVersion failed: {ErrorText(handle, status)}");
        }

        status = ((delegate* unmanaged<uint, int>)init)(0);
        if (status != 0)
        {
            return new CudaDriver(version, 0, null, $"the NVIDIA driver did not start: cuInit returned {ErrorText(handle, status)}");
        }

        var count = 0;
        status = ((delegate* unmanaged<int*, int>)getCount)(&count);
        if (status != 0 || count == 0)
        {
            return new CudaDriver(version, 0, null, status != 0 ? $"cuDeviceGetCount returned {ErrorText(handle, status)}" : "the NVIDIA driver sees no GPU");
        }

        return new CudaDriver(version, count, ReadDeviceName(handle), null);
    }

    private static unsafe string? ReadDeviceName(IntPtr handle)
    {
        if (!NativeLibrary.TryGetExport(handle, "cuDeviceGet", out var get) || !NativeLibrary.TryGetExport(handle, "cuDeviceGetName", out var getName))
        {
            return null;
        }

        int device;
        if (((delegate* unmanaged<int*, int, int>)get)(&device, 0) != 0)
        {
            return null;
        }

        var name = stackalloc byte[256];
        return ((delegate* unmanaged<byte*, int, int, int>)getName)(name, 256, device) == 0 ? Marshal.PtrToStringUTF8((IntPtr)name) : null;
    }

    /// <summary>"CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)" for 100, through cuGetErrorName/cuGetErrorString.</summary>
    private static unsafe string ErrorText(IntPtr handle, int status)
    {
        string? Text(string export)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out var function))
            {
                return null;
            }

            byte* text = null;
            return ((delegate* unmanaged<int, byte**, int>)function)(status, &text) == 0 && text != null ? Marshal.PtrToStringUTF8((IntPtr)text) : null;
        }

        var name = Text("cuGetErrorName");
        var description = Text("cuGetErrorString");
        return name is null ? $"CUDA error {status}" : description is null ? name : $"{name} ({description})";
    }
}
