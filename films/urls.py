app_name = "films"

urlpatterns = []
