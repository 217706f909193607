using System.Globalization;

namespace CityOps.Sip;

/// <summary>
/// The 8-byte PTZ command of GB/T 28181 Annex A.3 (<c>PTZCmd</c>, written as 16 hex digits): A5, version and check nibble,
/// address, instruction, two data bytes, a data/address byte and a checksum (the sum of the first seven, mod 256).
/// Only the preset instructions are used here: 0x81 set, 0x82 call, 0x83 delete, preset number in byte 6.
/// </summary>
public static class PtzCommand
{
    public const byte SetPreset = 0x81;
    public const byte CallPreset = 0x82;
    public const byte DeletePreset = 0x83;

    public static string Preset(byte instruction, int preset, int address = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preset, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preset, 255);
        Span<byte> bytes = stackalloc byte[8];
        bytes[0] = 0xA5;
        bytes[1] = (byte)(((0xA + 0x5 + 0) % 16) & 0x0F); // version 0 in the high nibble, check of byte 1 and the version in the low
        bytes[2] = (byte)(address & 0xFF);
        bytes[3] = instruction;
        bytes[4] = 0;
        bytes[5] = (byte)preset;
        bytes[6] = (byte)((address >> 8) & 0x0F);
        var sum = 0;
        for (var i = 0; i < 7; i++)
        {
            sum += bytes[i];
        }

        bytes[7] = (byte)(sum % 256);
        return Convert.ToHexString(bytes);
    }

    /// <summary>The instruction and preset of a preset command; null for anything else or a bad checksum.</summary>
    public static (byte Instruction, int Preset)? ReadPreset(string? hex)
    {
        if (hex is not { Length: 16 } || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        var bytes = Convert.FromHexString(hex);
        var sum = 0;
        for (var i = 0; i < 7; i++)
        {
            sum += bytes[i];
        }

        return bytes[0] == 0xA5 && bytes[7] == (byte)(sum % 256) && bytes[3] is SetPreset or CallPreset or DeletePreset && bytes[5] > 0
            ? (bytes[3], bytes[5])
            : null;
    }

    public static string Hex(int value) => value.ToString("X2", CultureInfo.InvariantCulture);
}
