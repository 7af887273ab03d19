package football

import (
	"maps"
	"testing"
)

func TestAlign(t *testing.T) {
	tests := []struct {
		name     string
		from, to []string
		want     map[string]string
	}{
		{
			name: "long names to short ones, from the shared data",
			from: []string{"Manchester United", "Manchester City", "West Bromwich Albion", "West Ham United", "Tottenham Hotspur", "Brighton & Hove Albion", "Crystal Palace"},
			to:   []string{"Man City", "West Ham", "Crystal Palace", "Brighton", "Tottenham", "Man United", "West Brom"},
			want: map[string]string{
				"Manchester United": "Man United", "Manchester City": "Man City", "West Bromwich Albion": "West Brom",
				"West Ham United": "West Ham", "Tottenham Hotspur": "Tottenham", "Brighton & Hove Albion": "Brighton",
				"Crystal Palace": "Crystal Palace",
			},
		},
		{
			name: "accents and prefixes",
			from: []string{"1. FC Köln", "Bor. Mönchengladbach", "CD Alavés", "Málaga CF", "SPAL 2013 Ferrara", "Internazionale", "AC Milan", "Wolverhampton Wanderers"},
			to:   []string{"FC Koln", "M'gladbach", "Alaves", "Malaga", "Spal", "Inter", "Milan", "Wolves", "Norwich", "Sheffield United"},
			want: map[string]string{
				"1. FC Köln": "FC Koln", "Bor. Mönchengladbach": "M'gladbach", "CD Alavés": "Alaves", "Málaga CF": "Malaga",
				"SPAL 2013 Ferrara": "Spal", "Internazionale": "Inter", "AC Milan": "Milan", "Wolverhampton Wanderers": "Wolves",
			},
		},
		{
			name: "equal names first, ignoring case",
			from: []string{"ARSENAL", "Arsenal Tula"},
			to:   []string{"Arsenal"},
			want: map[string]string{"ARSENAL": "Arsenal"},
		},
		{
			name: "no club is paired with an unrelated one",
			from: []string{"Juventus", "Sevilla FC"},
			to:   []string{"Everton", "Burnley"},
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Align(tt.from, tt.to); !maps.Equal(got, tt.want) {
				t.Errorf("Align =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestSeasonYear(t *testing.T) {
	for season, want := range map[string]int{"2017-2018": 2017, "2017-18": 2017} {
		if got, ok := SeasonYear(season); !ok || got != want {
			t.Errorf("SeasonYear(%q) = %d, %v", season, got, ok)
		}
	}
	if _, ok := SeasonYear("last year"); ok {
		t.Error("SeasonYear accepted a season without a year")
	}
}
